/**
 * The few filesystem moves that make a write crash-safe: a directory fsync after a
 * rename (the rename is only durable once its directory entry is on disk), mkdir that
 * reports whether it created, and unique temp names.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';

/**
 * True when `e` is a Node system error with one of the given codes.
 * @example if (hasCode(e, 'ENOENT')) return null;
 */
export function hasCode(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && codes.includes((e as NodeJS.ErrnoException).code ?? '');
}

// Windows cannot open a directory for fsync; NTFS journals renames itself.
function dirSyncUnsupported(e: unknown): boolean {
  return process.platform === 'win32' && hasCode(e, 'EISDIR', 'EPERM', 'EACCES', 'EINVAL');
}

/**
 * fsync a directory so renames/creations inside it survive power loss.
 * @example await fsyncDir('/home/me/.sgr/cas/sha256/ab')
 */
export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (e) {
    if (!dirSyncUnsupported(e)) throw e;
  } finally {
    await fh?.close();
  }
}

/**
 * Synchronous fsyncDir.
 * @example fsyncDirSync('/home/me/.sgr/cas/sha256/ab')
 */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    if (!dirSyncUnsupported(e)) throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * mkdir of one level; resolves true when this call created it (its parent then needs an fsync).
 * @example if (await ensureDir(shard)) await fsyncDir(parent)
 */
export async function ensureDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir);
    return true;
  } catch (e) {
    if (hasCode(e, 'EEXIST')) return false;
    throw e;
  }
}

/**
 * Synchronous ensureDir.
 * @example if (ensureDirSync(shard)) fsyncDirSync(parent)
 */
export function ensureDirSync(dir: string): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch (e) {
    if (hasCode(e, 'EEXIST')) return false;
    throw e;
  }
}

/**
 * A temp file name unique across processes and calls; the pid helps when reading leftovers.
 * @example tempName('put') // 'put-4242-9f1c2b7a0d3e5f61.tmp'
 */
export function tempName(kind: string): string {
  return `${kind}-${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
}
