/**
 * Writes of in-memory payloads. The digest is known before anything touches the disk,
 * so a payload that is already stored costs a stat and a utimes, nothing more.
 */
import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DIGEST_PREFIX, sha256Hex } from './digest';
import { tempName } from './durable-fs';
import type { CasLayout } from './layout';
import { publishTemp, publishTempSync, touchExisting, touchExistingSync } from './publish';
import type { CasPut } from './types';

// Best effort on error paths: gc removes temp leftovers anyway.
function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone or not removable; the original error matters more
  }
}

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * Stores bytes (strings as UTF-8).
 * @example const { digest } = await putBytes(layout, JSON.stringify(manifest))
 */
export async function putBytes(layout: CasLayout, data: Uint8Array | string): Promise<CasPut> {
  const bytes = toBytes(data);
  const hex = sha256Hex(bytes);
  const put: CasPut = { digest: DIGEST_PREFIX + hex, size: bytes.byteLength, existed: false };
  if (await touchExisting(layout.blobPath(hex), bytes.byteLength)) return { ...put, existed: true };
  await layout.ensureBase();
  const tmp = join(layout.tmpDir, tempName('put'));
  const fh = await open(tmp, 'wx', 0o444);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await publishTemp(layout, tmp, hex);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return put;
}

/**
 * Synchronous putBytes, for small payloads on paths that cannot await (journal spill-over).
 * @example const { digest } = putBytesSync(layout, bigJsonString)
 */
export function putBytesSync(layout: CasLayout, data: Uint8Array | string): CasPut {
  const bytes = toBytes(data);
  const hex = sha256Hex(bytes);
  const put: CasPut = { digest: DIGEST_PREFIX + hex, size: bytes.byteLength, existed: false };
  if (touchExistingSync(layout.blobPath(hex), bytes.byteLength)) return { ...put, existed: true };
  layout.ensureBaseSync();
  const tmp = join(layout.tmpDir, tempName('put'));
  const fd = openSync(tmp, 'wx', 0o444);
  try {
    let off = 0;
    while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    removeQuietly(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    publishTempSync(layout, tmp, hex);
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
  return put;
}
