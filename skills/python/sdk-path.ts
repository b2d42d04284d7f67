/**
 * Where the Python worker SDK (sdk/python/sgr_worker.py) lives, so python jobs get it on
 * PYTHONPATH. The same code runs from source (tests: skills/python/) and from the esbuild
 * bundle (dist/sgr.mjs), at different depths, so we walk up from this module's location
 * instead of assuming a fixed relative path.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/** @example pythonSdkDir(import.meta.url) → '/opt/sgr/sdk/python' */
export function findPythonSdkDir(fromUrl: string): string {
  const searched: string[] = [];
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const candidate = join(dir, 'sdk', 'python');
    searched.push(candidate);
    if (existsSync(join(candidate, 'sgr_worker.py'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`python worker SDK not found: no sgr_worker.py in ${searched.join(', ')}`);
}

/** The SDK directory for this installation, found once per process. */
export function pythonSdkDir(): string {
  cached ??= findPythonSdkDir(import.meta.url);
  return cached;
}
