/**
 * Helpers for the CAS tests: fresh temp roots, an independent hash, a tree listing.
 * Deliberately does not use sha256Hex from this module — the tests check it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh directory, removed after the current test.
 * @example const root = freshDir('cas-gc')
 */
export function freshDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sgr-${label}-`));
  made.push(dir);
  return dir;
}

/**
 * `sha256:<hex>` computed straight with node:crypto.
 * @example expect(put.digest).toBe(independentDigest(bytes))
 */
export function independentDigest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Every regular file under `dir`, as paths relative to it, sorted.
 * @example expect(filesUnder(join(root, 'tmp'))).toEqual([])
 */
export function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return names
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile())
    .map((p) => relative(dir, p))
    .sort();
}

/**
 * Reproducible pseudo-random bytes (xorshift), so a child process can regenerate them.
 * @example const a = patternBytes(1 << 20, 7)
 */
export function patternBytes(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
