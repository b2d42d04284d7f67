import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../test/helpers';
import { probe } from './probe';

const hasPython = probe('python3', ['--version']) !== null;

describe.skipIf(!hasPython)('collectEnvironmentAsync cache', () => {
  it('reuses the Python probes of an earlier process while the interpreter is unchanged', async () => {
    const dir = tempDir('sgr-env-cache-');
    vi.resetModules();
    const first = await (await import('./environment')).collectEnvironmentAsync(dir);
    const file = join(dir, 'python-environment.cache.json');
    expect(existsSync(file)).toBe(true);
    // Forge the cached pip output: a fresh process (module) must take it from the cache.
    const cache = JSON.parse(readFileSync(file, 'utf8')) as { fingerprint: string; raw: Record<string, string | null> };
    writeFileSync(file, JSON.stringify({ ...cache, raw: { ...cache.raw, pip: 'a==1\nb==2\n' } }));
    vi.resetModules();
    const second = await (await import('./environment')).collectEnvironmentAsync(dir);
    expect(second.pip?.packages).toBe(2);
    expect(second.python).toBe(first.python);
    // A different fingerprint (another interpreter, a package installed) probes again.
    writeFileSync(file, JSON.stringify({ ...cache, fingerprint: 'other', raw: { ...cache.raw, pip: 'x==1\n' } }));
    vi.resetModules();
    const third = await (await import('./environment')).collectEnvironmentAsync(dir);
    expect(third.pip).toEqual(first.pip);
  });
});

describe('collectEnvironmentAsync in a long-lived process', () => {
  it('reuses a probe for a few seconds only, so a package installed later is seen by the next run', async () => {
    vi.resetModules();
    const { collectEnvironmentAsync } = await import('./environment');
    const first = collectEnvironmentAsync();
    expect(collectEnvironmentAsync()).toBe(first);
    await first;
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 11_000);
    try {
      const later = collectEnvironmentAsync();
      expect(later).not.toBe(first);
      expect((await later).python).toEqual((await first).python);
    } finally {
      vi.restoreAllMocks();
    }
  }, 60_000);
});
