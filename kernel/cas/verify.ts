/** Full-store integrity check: re-hash every blob, optionally quarantine the bad ones. */
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { DIGEST_PREFIX } from './digest';
import { hasCode } from './durable-fs';
import type { CasLayout } from './layout';
import { collectBlobs } from './list';
import { hashFile } from './read';
import type { CasCorruptEntry, CasProgress } from './types';

/** Options of verify(). */
export interface VerifyOptions {
  /** Called after each blob: blobs done, blobs total. */
  onProgress?: CasProgress;
  /** Move corrupt blobs to root/corrupt/<hex>-<ms> so reads fail as missing and a re-put restores them. */
  quarantine?: boolean;
}

/** Result of verify(). */
export interface VerifyResult {
  checked: number;
  bytes: number;
  corrupt: CasCorruptEntry[];
}

/**
 * Re-hashes every blob. Blobs deleted while it runs (by gc) are not counted.
 * @example const { corrupt } = await verifyStore(layout, { quarantine: true })
 */
export async function verifyStore(layout: CasLayout, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const entries = await collectBlobs(layout);
  const result: VerifyResult = { checked: 0, bytes: 0, corrupt: [] };
  let done = 0;
  for (const { digest } of entries) {
    const hex = digest.slice(DIGEST_PREFIX.length);
    const path = layout.blobPath(hex);
    try {
      const actual = await hashFile(path);
      result.checked += 1;
      result.bytes += actual.size;
      if (actual.hex !== hex) {
        const where = opts.quarantine ? await quarantine(layout, path, hex) : path;
        result.corrupt.push({ digest, path: where, actual: DIGEST_PREFIX + actual.hex });
      }
    } catch (e) {
      if (!hasCode(e, 'ENOENT')) throw e;
    }
    done += 1;
    opts.onProgress?.(done, entries.length);
  }
  return result;
}

async function quarantine(layout: CasLayout, path: string, hex: string): Promise<string> {
  await mkdir(layout.corruptDir, { recursive: true });
  // The timestamp keeps an earlier quarantined copy of the same digest for comparison.
  const dest = join(layout.corruptDir, `${hex}-${Date.now()}`);
  await rename(path, dest);
  return dest;
}
