/** Paged reads of a job log for `sgr logs` and `--follow`. */
import { open } from 'node:fs/promises';

/** Upper bound per call, so a careless caller cannot make the kernel allocate gigabytes. */
export const MAX_READ_LOG_BYTES = 16 * 1024 * 1024;

/**
 * Length of `buf` without an incomplete UTF-8 sequence at its end, so that the next page
 * starts at that sequence instead of splitting a character across two pages.
 * @example completeUtf8Length(Buffer.from([0x61, 0xe2, 0x82])) // 1 ('a'; '€' is not complete yet)
 */
export function completeUtf8Length(buf: Uint8Array): number {
  const n = buf.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > n ? i : n;
  }
  return n;
}

/**
 * Reads up to `maxBytes` of a file from `offset`; `next` is where the following page
 * starts. A file that does not exist yet reads as empty.
 * @example const { data, next } = await readLogPage('/jobs/r.s.1/stdout.log', 0, 65536);
 */
export async function readLogPage(path: string, offset: number, maxBytes: number): Promise<{ data: string; next: number }> {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`readLog ${path}: offset must be a non-negative integer, got ${offset}`);
  const size = Math.max(0, Math.min(Math.floor(maxBytes), MAX_READ_LOG_BYTES));
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { data: '', next: offset };
    throw err;
  }
  try {
    const buf = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buf, 0, size, offset);
    let keep = completeUtf8Length(buf.subarray(0, bytesRead));
    // A page too small for even one character still has to make progress.
    if (keep === 0) keep = bytesRead;
    return { data: buf.subarray(0, keep).toString('utf8'), next: offset + keep };
  } finally {
    await handle.close();
  }
}
