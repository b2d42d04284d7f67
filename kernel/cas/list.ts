/** Enumeration of stored blobs, straight from the directory tree (the tree is the index). */
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { hasCode } from './durable-fs';
import { digestFromNames, type CasLayout } from './layout';
import type { CasEntry } from './types';

async function* dirEntries(dir: string): AsyncGenerator<string> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch (e) {
    if (hasCode(e, 'ENOENT')) return;
    throw e;
  }
  for await (const d of handle) yield d.name;
}

/**
 * Every blob with its size and mtime, in no particular order. Stray files whose names
 * are not digests are skipped; blobs removed mid-walk are skipped.
 * @example for await (const { digest, size } of listBlobs(layout)) total += size
 */
export async function* listBlobs(layout: CasLayout): AsyncGenerator<CasEntry> {
  for await (const shard of dirEntries(layout.shaDir)) {
    for await (const rest of dirEntries(join(layout.shaDir, shard))) {
      const digest = digestFromNames(shard, rest);
      if (!digest) continue;
      try {
        const st = await lstat(join(layout.shaDir, shard, rest));
        if (st.isFile()) yield { digest, size: st.size, mtimeMs: st.mtimeMs };
      } catch (e) {
        if (!hasCode(e, 'ENOENT')) throw e;
      }
    }
  }
}

/**
 * listBlobs collected into an array, for passes that report progress against a total.
 * @example const all = await collectBlobs(layout)
 */
export async function collectBlobs(layout: CasLayout): Promise<CasEntry[]> {
  const all: CasEntry[] = [];
  for await (const entry of listBlobs(layout)) all.push(entry);
  return all;
}
