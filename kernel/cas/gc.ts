/**
 * Garbage collection: delete blobs nobody references, and temp files of dead writers.
 * Blobs younger than the grace period are spared because a run still in flight may have
 * stored them (or deduplicated against them, which refreshes their mtime) without having
 * committed its references yet.
 */
import { link, lstat, mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DIGEST_PREFIX } from './digest';
import { hasCode, tempName } from './durable-fs';
import type { CasLayout } from './layout';
import { collectBlobs } from './list';
import type { CasEntry, CasProgress } from './types';

/** Default grace period: one hour. */
export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

/** Options of gc(). */
export interface GcOptions {
  /** Only blobs and temp files whose mtime is at least this old are deleted. Default 1 hour. */
  graceMs?: number;
  /** Report what would be deleted; delete nothing. */
  dryRun?: boolean;
  /** Called after each blob: blobs done, blobs total. */
  onProgress?: CasProgress;
}

/** Result of gc(). */
export interface GcResult {
  deleted: Array<{ digest: string; size: number }>;
  kept: number;
  freedBytes: number;
  tmpRemoved: number;
}

/**
 * Deletes unreferenced blobs older than the grace period and stale temp files.
 * @example await collectGarbage(layout, new Set(journal.allDigests()), { graceMs: 0 })
 */
export async function collectGarbage(layout: CasLayout, referenced: ReadonlySet<string>, opts: GcOptions = {}): Promise<GcResult> {
  const cutoff = Date.now() - (opts.graceMs ?? DEFAULT_GC_GRACE_MS);
  const dryRun = opts.dryRun ?? false;
  // Temp files first, so blobs this pass parks in tmp/ are not counted twice.
  const tmpRemoved = await removeStaleTemps(layout, cutoff, dryRun);
  const entries = await collectBlobs(layout);
  const result: GcResult = { deleted: [], kept: 0, freedBytes: 0, tmpRemoved };
  // Doomed blobs are parked in tmp/ before deletion; someone may have removed it.
  if (!dryRun && entries.length > 0) await mkdir(layout.tmpDir, { recursive: true });
  let done = 0;
  for (const entry of entries) {
    const doomed = !referenced.has(entry.digest) && entry.mtimeMs <= cutoff;
    if (doomed && (dryRun || (await removeBlob(layout, entry, cutoff)))) {
      result.deleted.push({ digest: entry.digest, size: entry.size });
      result.freedBytes += entry.size;
    } else {
      result.kept += 1;
    }
    done += 1;
    opts.onProgress?.(done, entries.length);
  }
  return result;
}

/**
 * Removes one blob unless a writer deduplicated against it since it was listed. The blob
 * is first renamed away (atomic), so a writer's mtime refresh either lands before — and
 * we see it on the parked file and put the blob back — or fails with ENOENT, and that
 * writer stores its own copy.
 */
async function removeBlob(layout: CasLayout, entry: CasEntry, cutoff: number): Promise<boolean> {
  const path = layout.blobPath(entry.digest.slice(DIGEST_PREFIX.length));
  const parked = join(layout.tmpDir, tempName('gc'));
  try {
    await rename(path, parked);
  } catch (e) {
    if (hasCode(e, 'ENOENT')) return false;
    throw e;
  }
  if ((await stat(parked)).mtimeMs > cutoff) {
    // link, not rename: never overwrite a copy a writer has published meanwhile.
    await link(parked, path).catch((e: unknown) => {
      if (!hasCode(e, 'EEXIST')) throw e;
    });
    await unlink(parked);
    return false;
  }
  await unlink(parked);
  return true;
}

async function removeStaleTemps(layout: CasLayout, cutoff: number, dryRun: boolean): Promise<number> {
  let names: string[];
  try {
    names = await readdir(layout.tmpDir);
  } catch (e) {
    if (hasCode(e, 'ENOENT')) return 0;
    throw e;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(layout.tmpDir, name);
    try {
      const st = await lstat(path);
      if (!st.isFile() || st.mtimeMs > cutoff) continue;
      if (!dryRun) await unlink(path);
      removed += 1;
    } catch (e) {
      if (!hasCode(e, 'ENOENT')) throw e;
    }
  }
  return removed;
}
