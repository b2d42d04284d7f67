import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, METHOD_NAMES } from '../kernel/common/contract';
// @ts-expect-error -- plain ESM build script without types
import { preloadOptions } from './build.mjs';

describe('preload bundle', () => {
  it('requires nothing but electron and carries the contract names, not its schemas', async () => {
    const opts = await preloadOptions();
    const out = await build({ ...opts, write: false, sourcemap: false, logLevel: 'silent' });
    const text = out.outputFiles?.[0]?.text ?? "";
    expect([...text.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])).toEqual(['electron']);
    for (const name of [...METHOD_NAMES, ...EVENT_NAMES]) expect(text).toContain(JSON.stringify(name));
    expect(text).not.toMatch(/zod|ZodError|safeParse/);
    expect(text.length).toBeLessThan(4000);
  });
});
