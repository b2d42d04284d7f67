/**
 * Verified reads. Every byte handed out of the store has been hashed on the way, so a
 * corrupt blob surfaces as CasCorruptError at the reader instead of as a wrong result.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { DIGEST_PREFIX } from './digest';
import { hasCode, tempName } from './durable-fs';
import { CasCorruptError, CasMissingError } from './errors';
import { CHUNK_BYTES } from './tuning';

/**
 * Hex SHA-256 and size of a file, streamed.
 * @example const { hex, size } = await hashFile('/cas/sha256/ab/cd…')
 */
export async function hashFile(path: string): Promise<{ hex: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { hex: hash.digest('hex'), size };
}

function missingOr(e: unknown, digest: string, path: string): unknown {
  return hasCode(e, 'ENOENT') && (e as NodeJS.ErrnoException).path === path ? new CasMissingError(digest, path) : e;
}

function checked(data: Buffer, digest: string, path: string): Buffer {
  const actual = createHash('sha256').update(data).digest('hex');
  if (DIGEST_PREFIX + actual !== digest) throw new CasCorruptError(digest, path, DIGEST_PREFIX + actual);
  return data;
}

/**
 * Whole blob into memory, verified.
 * @example const buf = await readVerified(digest, layout.blobPath(hex))
 */
export async function readVerified(digest: string, path: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    throw missingOr(e, digest, path);
  }
  return checked(data, digest, path);
}

/** Synchronous readVerified. @example const buf = readVerifiedSync(digest, path) */
export function readVerifiedSync(digest: string, path: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw missingOr(e, digest, path);
  }
  return checked(data, digest, path);
}

/**
 * A stream of the blob that hashes as it goes and, at the end, errors with
 * CasCorruptError instead of emitting 'end' when the bytes were wrong. Consumers that
 * act on data before 'end' must be ready to undo it.
 * @example await pipeline(verifiedReadStream(digest, path), createWriteStream(out))
 */
export function verifiedReadStream(digest: string, path: string): NodeJS.ReadableStream {
  const hash = createHash('sha256');
  const src = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = DIGEST_PREFIX + hash.digest('hex');
      done(actual === digest ? null : new CasCorruptError(digest, path, actual));
    },
  });
  // pipe() does not forward errors; we do, translated, and stop reading if the consumer quits.
  src.once('error', (e) => out.destroy(missingOr(e, digest, path) as Error));
  out.once('close', () => src.destroy());
  return src.pipe(out);
}

/**
 * Copies a blob to `dest` (parents created, mode 0644) only if it verifies; `dest` is
 * replaced atomically, so it never holds a partial or unverified copy. The kernel copies
 * (reflink where the filesystem can) while we hash the blob: blobs are immutable, so
 * the bytes copied are the bytes hashed. No fsync: a materialized file is a derived,
 * re-creatable copy.
 * @example await materializeBlob(digest, blobPath, '/work/run1/inputs/data.csv')
 */
export async function materializeBlob(digest: string, path: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.${basename(dest)}.${tempName('mat')}`);
  try {
    const [hashed, copied] = await Promise.allSettled([hashFile(path), copyFile(path, tmp, constants.COPYFILE_FICLONE)]);
    if (hashed.status === 'rejected') throw missingOr(hashed.reason, digest, path);
    if (copied.status === 'rejected') throw copied.reason;
    const actual = DIGEST_PREFIX + hashed.value.hex;
    if (actual !== digest) throw new CasCorruptError(digest, path, actual);
    await chmod(tmp, 0o644);
    await rename(tmp, dest);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
