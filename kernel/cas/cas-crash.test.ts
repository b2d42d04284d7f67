/**
 * Crash safety with real processes: a child stores content through the built module and
 * is SIGKILLed mid-write. The child runs an esbuild bundle of this module, because plain
 * Node 20 cannot import TypeScript.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cas } from './index';
import { filesUnder, freshDir } from './test-helpers';

const MiB = 1024 * 1024;
let bundleDir = '';

// Chunk i of the child's content: 1 MiB, distinct per i, cheap to regenerate here.
const CHILD = `
import { Cas } from './cas.mjs';
import { Readable } from 'node:stream';
const [mode, root, a, b] = process.argv.slice(2);
const chunk = (i) => { const c = Buffer.alloc(${MiB}, i % 251); c.writeUInt32LE(i, 0); return c; };
setInterval(() => {}, 1000); // a stalled stream alone would let the process exit
const cas = new Cas(root);
if (mode === 'stream') {
  const total = Number(a), stallAt = Number(b);
  let i = 0;
  const src = new Readable({ read() { if (i >= total) this.push(null); else if (i < stallAt) this.push(chunk(i++)); } });
  await cas.putStream(src);
} else {
  process.stdout.write('start\\n');
  await cas.putFile(a);
  process.stdout.write('done\\n');
}
process.exit(0);
`;

function chunks(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const c = Buffer.alloc(MiB, i % 251);
    c.writeUInt32LE(i, 0);
    return c;
  });
}

function digestOf(parts: Buffer[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return `sha256:${h.digest('hex')}`;
}

function startChild(args: string[]): ChildProcess {
  return spawn(process.execPath, [join(bundleDir, 'child.mjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function largestTemp(root: string): number {
  try {
    return Math.max(0, ...readdirSync(join(root, 'tmp')).map((n) => statSync(join(root, 'tmp', n)).size));
  } catch {
    return 0;
  }
}

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'sgr-cas-bundle-'));
  await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(bundleDir, 'cas.mjs'),
    logLevel: 'silent',
  });
  writeFileSync(join(bundleDir, 'child.mjs'), CHILD);
});

afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

describe('Cas writer killed mid-write', () => {
  it('leaves no blob, only a temp file that verify ignores and gc removes', async () => {
    const root = join(freshDir('cas-crash'), 'cas');
    // 200 MiB intended; the source stalls after 120 MiB, so the kill lands mid-write.
    const child = startChild(['stream', root, '200', '120']);
    const exit = exited(child);
    await until('the temp file to pass 64 MiB', () => largestTemp(root) >= 64 * MiB);
    child.kill('SIGKILL');
    expect(await exit).toBe('SIGKILL');

    const cas = new Cas(root);
    const left = filesUnder(root);
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((p) => p.startsWith('tmp/'))).toBe(true);
    expect(largestTemp(root)).toBeLessThan(200 * MiB);
    const intended = digestOf(chunks(200));
    expect(cas.has(intended)).toBe(false);
    expect(await cas.verify()).toEqual({ checked: 0, bytes: 0, corrupt: [] });

    const swept = await cas.gc(new Set(), { graceMs: 0 });
    expect(swept.tmpRemoved).toBe(left.length);
    expect(filesUnder(root)).toEqual([]);

    // The store is fully usable afterwards.
    const { Readable } = await import('node:stream');
    const put = await cas.putStream(Readable.from(chunks(200)));
    expect(put).toEqual({ digest: intended, size: 200 * MiB, existed: false });
  });

  it('at any kill moment during putFile, a blob is either absent or complete', async () => {
    const dir = freshDir('cas-crash');
    const content = chunks(64);
    const src = join(dir, 'input.bin');
    writeFileSync(src, Buffer.concat(content));
    const digest = digestOf(content);
    const outcomes = { absent: 0, complete: 0 };
    for (const delayMs of [0, 1, 3, 6, 10, 20, 35, 60, 100, 160, 250, 400]) {
      const root = join(dir, `cas-${delayMs}`);
      const child = startChild(['file', root, src]);
      const exit = exited(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      await until('the child to start putFile', () => out.includes('start'));
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await exit;

      const cas = new Cas(root);
      const outside = filesUnder(root).filter((p) => !p.startsWith('tmp/'));
      const hex = digest.slice('sha256:'.length);
      expect(outside, `kill after ${delayMs} ms`).toEqual(outside.length ? [`sha256/${hex.slice(0, 2)}/${hex.slice(2)}`] : []);
      expect((await cas.verify()).corrupt, `kill after ${delayMs} ms`).toEqual([]);
      if (out.includes('done')) expect(cas.has(digest)).toBe(true);
      outcomes[cas.has(digest) ? 'complete' : 'absent'] += 1;
      await cas.gc(new Set([digest]), { graceMs: 0 });
      expect(filesUnder(join(root, 'tmp'))).toEqual([]);
    }
    // Both sides of the rename were observed, or the test proved nothing.
    expect(outcomes.absent).toBeGreaterThan(0);
    expect(outcomes.complete + outcomes.absent).toBe(12);
  });
});
