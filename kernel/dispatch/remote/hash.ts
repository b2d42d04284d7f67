/** Hashing helpers shared by the remote shells and the stage cache. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * sha256 (hex) and size of a local file, streamed.
 * @example await sha256File('/tmp/a.txt') // { sha256: 'e3b0…', bytes: 0 }
 */
export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Parses `sha256sum FILE` output (first field); throws naming the command's stderr when absent.
 * @example parseSha256sum('e3b0…  /x\n', '', '/x') // 'e3b0…'
 */
export function parseSha256sum(stdout: string, stderr: string, path: string): string {
  const m = stdout.match(/^([0-9a-f]{64})\s/);
  if (!m) throw new Error(`sha256sum ${path} failed: ${stderr.trim() || stdout.trim() || 'no output'}`);
  return m[1]!;
}

/** The error for a transfer whose two sides disagree. */
export function hashMismatch(what: string, expected: string, actual: string): Error {
  return new Error(`${what}: sha256 mismatch — expected ${expected}, got ${actual}; the copy was discarded`);
}
