/**
 * The last step of every put: a fully written, fsynced temp file becomes a blob by one
 * rename, so a reader (or a crash) sees either no blob or the whole blob — never a prefix.
 */
import { renameSync, statSync, utimesSync } from 'node:fs';
import { rename, stat, utimes } from 'node:fs/promises';
import { ensureDir, ensureDirSync, fsyncDir, fsyncDirSync, hasCode } from './durable-fs';
import type { CasLayout } from './layout';

/**
 * True when a blob of this size is already stored; refreshes its mtime.
 * The touch matters: gc spares unreferenced blobs younger than its grace period, and a
 * run that just deduplicated against an old blob has not recorded its reference yet.
 * A blob of the wrong size is corrupt for sure, so we answer false and let the new,
 * good copy replace it.
 * @example if (await touchExisting(path, 42)) return { digest, size: 42, existed: true };
 */
export async function touchExisting(path: string, size: number): Promise<boolean> {
  try {
    if ((await stat(path)).size !== size) return false;
    const now = new Date();
    await utimes(path, now, now);
    return true;
  } catch (e) {
    // gc may have removed it between stat and utimes: then we write it ourselves.
    if (hasCode(e, 'ENOENT')) return false;
    throw e;
  }
}

/** Synchronous touchExisting. @example touchExistingSync(path, 42) */
export function touchExistingSync(path: string, size: number): boolean {
  try {
    if (statSync(path).size !== size) return false;
    const now = new Date();
    utimesSync(path, now, now);
    return true;
  } catch (e) {
    if (hasCode(e, 'ENOENT')) return false;
    throw e;
  }
}

/**
 * Renames a durable temp file to its blob path and makes the rename durable.
 * The caller must already have fsynced and closed the temp file.
 * @example await publishTemp(layout, '/cas/tmp/put-1-ab.tmp', hex)
 */
export async function publishTemp(layout: CasLayout, tmpPath: string, hex: string): Promise<void> {
  const shard = layout.shardDir(hex);
  const createdShard = await ensureDir(shard);
  await rename(tmpPath, layout.blobPath(hex));
  await fsyncDir(shard);
  if (createdShard) await fsyncDir(layout.shaDir);
}

/** Synchronous publishTemp. @example publishTempSync(layout, tmpPath, hex) */
export function publishTempSync(layout: CasLayout, tmpPath: string, hex: string): void {
  const shard = layout.shardDir(hex);
  const createdShard = ensureDirSync(shard);
  renameSync(tmpPath, layout.blobPath(hex));
  fsyncDirSync(shard);
  if (createdShard) fsyncDirSync(layout.shaDir);
}
