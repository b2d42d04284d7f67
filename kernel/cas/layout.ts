/**
 * Where things live under a CAS root:
 *   sha256/<2 hex>/<62 hex>   blobs, read-only
 *   tmp/                      in-progress writes (same filesystem, so rename is atomic)
 *   corrupt/                  blobs verify() quarantined
 * Sharding by the first byte keeps directories small enough for fast lookups.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DIGEST_PREFIX } from './digest';
import { ensureDir, ensureDirSync, fsyncDir, fsyncDirSync } from './durable-fs';

const SHARD_RE = /^[0-9a-f]{2}$/;
const REST_RE = /^[0-9a-f]{62}$/;

/**
 * Path arithmetic for one CAS root; creates the fixed directories on demand.
 * @example new CasLayout('/home/me/.sgr/cas').blobPath('ab'.repeat(32))
 */
export class CasLayout {
  readonly shaDir: string;
  readonly tmpDir: string;
  readonly corruptDir: string;

  constructor(readonly root: string) {
    this.shaDir = join(root, 'sha256');
    this.tmpDir = join(root, 'tmp');
    this.corruptDir = join(root, 'corrupt');
  }

  /** Shard directory of a hex digest. @example layout.shardDir('ab…') // <root>/sha256/ab */
  shardDir(hex: string): string {
    return join(this.shaDir, hex.slice(0, 2));
  }

  /** Final blob path of a hex digest. @example layout.blobPath('ab…') // <root>/sha256/ab/… */
  blobPath(hex: string): string {
    return join(this.shaDir, hex.slice(0, 2), hex.slice(2));
  }

  /**
   * Creates root, sha256/ and tmp/ if missing. Not memoized: a root deleted under a
   * long-lived Cas comes back instead of failing every later write.
   * @example await layout.ensureBase()
   */
  async ensureBase(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const created = await ensureDir(this.shaDir);
    await ensureDir(this.tmpDir);
    if (created) await fsyncDir(this.root);
  }

  /** Synchronous ensureBase. @example layout.ensureBaseSync() */
  ensureBaseSync(): void {
    mkdirSync(this.root, { recursive: true });
    const created = ensureDirSync(this.shaDir);
    ensureDirSync(this.tmpDir);
    if (created) fsyncDirSync(this.root);
  }
}

/**
 * The digest named by a shard directory and file name, or null for stray names.
 * @example digestFromNames('ab', 'cd…62 hex…') // 'sha256:abcd…'
 */
export function digestFromNames(shard: string, rest: string): string | null {
  return SHARD_RE.test(shard) && REST_RE.test(rest) ? DIGEST_PREFIX + shard + rest : null;
}
