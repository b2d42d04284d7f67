import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cas, type CasPut } from './index';
import { filesUnder, freshDir } from './test-helpers';

const HOUR = 60 * 60 * 1000;

function age(path: string, ms: number): void {
  const t = new Date(Date.now() - ms);
  utimesSync(path, t, t);
}

async function store() {
  const dir = freshDir('cas-gc');
  const cas = new Cas(join(dir, 'cas'));
  const keep = await cas.putBytes('referenced and old');
  const oldGarbage = await cas.putBytes('unreferenced and old');
  const freshGarbage = await cas.putBytes('unreferenced but fresh');
  age(cas.blobPath(keep.digest), 3 * HOUR);
  age(cas.blobPath(oldGarbage.digest), 2 * HOUR);
  return { dir, cas, keep, oldGarbage, freshGarbage };
}

const digests = (puts: Array<{ digest: string }>) => puts.map((p) => p.digest).sort();

describe('Cas gc', () => {
  it('deletes only unreferenced blobs older than the default one-hour grace', async () => {
    const { cas, keep, oldGarbage, freshGarbage } = await store();
    const progress: number[] = [];
    const r = await cas.gc(new Set([keep.digest]), { onProgress: (done, total) => progress.push(done / total) });
    expect(r.deleted).toEqual([{ digest: oldGarbage.digest, size: oldGarbage.size }]);
    expect(r.freedBytes).toBe(oldGarbage.size);
    expect(r.kept).toBe(2);
    expect(progress.at(-1)).toBe(1);
    expect(cas.has(oldGarbage.digest)).toBe(false);
    expect((await cas.read(keep.digest)).toString()).toBe('referenced and old');
    expect(cas.has(freshGarbage.digest)).toBe(true);
    expect(filesUnder(join(cas.root, 'tmp'))).toEqual([]);
  });

  it('with graceMs 0 deletes every unreferenced blob but never a referenced one', async () => {
    const { cas, keep, oldGarbage, freshGarbage } = await store();
    const r = await cas.gc(new Set([keep.digest]), { graceMs: 0 });
    expect(digests(r.deleted)).toEqual(digests([oldGarbage, freshGarbage]));
    expect(r.freedBytes).toBe(oldGarbage.size + freshGarbage.size);
    const left: string[] = [];
    for await (const b of cas.list()) left.push(b.digest);
    expect(left).toEqual([keep.digest]);
  });

  it('respects a custom grace period', async () => {
    const { cas, keep, oldGarbage } = await store();
    expect((await cas.gc(new Set(), { graceMs: 4 * HOUR })).deleted).toEqual([]);
    const r = await cas.gc(new Set(), { graceMs: 150 * 60 * 1000 });
    expect(digests(r.deleted)).toEqual([keep.digest]);
    expect(cas.has(oldGarbage.digest)).toBe(true);
  });

  it('dryRun reports what it would delete and deletes nothing', async () => {
    const { cas, keep, oldGarbage, freshGarbage } = await store();
    const staleTemp = join(cas.root, 'tmp', 'put-1-dead.tmp');
    writeFileSync(staleTemp, 'partial');
    age(staleTemp, 2 * HOUR);
    const before = filesUnder(cas.root);
    const r = await cas.gc(new Set(), { graceMs: 0, dryRun: true });
    expect(digests(r.deleted)).toEqual(digests([keep, oldGarbage, freshGarbage]));
    expect(r.tmpRemoved).toBe(1);
    expect(filesUnder(cas.root)).toEqual(before);
  });

  it('removes temp files older than the grace and keeps younger ones', async () => {
    const { cas } = await store();
    const tmp = join(cas.root, 'tmp');
    writeFileSync(join(tmp, 'put-1-old.tmp'), 'left by a killed writer');
    age(join(tmp, 'put-1-old.tmp'), 2 * HOUR);
    writeFileSync(join(tmp, 'put-2-live.tmp'), 'a writer still at work');
    const r = await cas.gc(new Set());
    expect(r.tmpRemoved).toBe(1);
    expect(readdirSync(tmp)).toEqual(['put-2-live.tmp']);
  });

  it('a put that deduplicates against an old blob refreshes it, so gc spares it', async () => {
    const { cas, keep, oldGarbage } = await store();
    const path = cas.blobPath(oldGarbage.digest);
    const again: CasPut = await cas.putBytes('unreferenced and old');
    expect(again.existed).toBe(true);
    expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(60_000);
    age(path, 2 * HOUR);
    expect(cas.putBytesSync('unreferenced and old').existed).toBe(true);
    expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(60_000);
    age(path, 2 * HOUR);
    const copy = join(cas.root, '..', 'copy.txt');
    writeFileSync(copy, 'unreferenced and old');
    expect((await cas.putFile(copy)).existed).toBe(true);
    const r = await cas.gc(new Set([keep.digest]));
    expect(r.deleted).toEqual([]);
    expect(cas.has(oldGarbage.digest)).toBe(true);
  });

  it('on an empty or absent root reports nothing and creates nothing', async () => {
    const root = join(freshDir('cas-gc'), 'never-created');
    const r = await new Cas(root).gc(new Set(), { graceMs: 0 });
    expect(r).toEqual({ deleted: [], kept: 0, freedBytes: 0, tmpRemoved: 0 });
    expect(filesUnder(root)).toEqual([]);
    expect(await new Cas(root).verify()).toEqual({ checked: 0, bytes: 0, corrupt: [] });
  });
});
