import { chmodSync, closeSync, existsSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { Cas, CasCorruptError, CasMissingError } from './index';
import { filesUnder, freshDir, independentDigest, patternBytes } from './test-helpers';

/** Flips one byte in place, as bit rot or a stray writer would. */
function flipByte(path: string, offset: number): void {
  chmodSync(path, 0o644);
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, offset);
  b[0] = b[0]! ^ 0x01;
  writeSync(fd, b, 0, 1, offset);
  closeSync(fd);
  chmodSync(path, 0o444);
}

async function corruptStore() {
  const dir = freshDir('cas-corrupt');
  const cas = new Cas(join(dir, 'cas'));
  const bytes = patternBytes(5 * 1024 * 1024 + 7, 11);
  const bad = await cas.putBytes(bytes);
  const good = await cas.putBytes('an intact neighbour');
  const path = cas.blobPath(bad.digest);
  flipByte(path, 4 * 1024 * 1024 + 3);
  const actual = independentDigest(readFileSync(path));
  return { dir, cas, bytes, bad, good, path, actual };
}

describe('Cas corruption detection', () => {
  it('every read API fails with CasCorruptError naming digest, path and actual hash', async () => {
    const { dir, cas, bad, path, actual } = await corruptStore();
    const isCorrupt = (e: unknown) =>
      e instanceof CasCorruptError &&
      e.digest === bad.digest &&
      e.path === path &&
      e.actual === actual &&
      e.message.includes(bad.digest) &&
      e.message.includes(path);
    await expect(cas.read(bad.digest)).rejects.toSatisfy(isCorrupt);
    let syncError: unknown;
    try {
      cas.readSync(bad.digest);
    } catch (e) {
      syncError = e;
    }
    expect(syncError).toSatisfy(isCorrupt);

    // The stream must error instead of ending, even though it delivered bytes first.
    const stream = cas.createReadStream(bad.digest) as Readable;
    let ended = false;
    stream.on('end', () => (ended = true));
    await expect(buffer(stream)).rejects.toSatisfy(isCorrupt);
    expect(ended).toBe(false);

    const dest = join(dir, 'out', 'data.bin');
    await expect(cas.materialize(bad.digest, dest)).rejects.toSatisfy(isCorrupt);
    expect(existsSync(dest)).toBe(false);
    expect(filesUnder(join(dir, 'out'))).toEqual([]);
  });

  it('verify lists the corrupt blob and only it', async () => {
    const { cas, bad, good, path, actual } = await corruptStore();
    const progress: Array<[number, number]> = [];
    const report = await cas.verify({ onProgress: (d, t) => progress.push([d, t]) });
    expect(report.checked).toBe(2);
    expect(report.bytes).toBe(bad.size + good.size);
    expect(report.corrupt).toEqual([{ digest: bad.digest, path, actual }]);
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(cas.has(bad.digest)).toBe(true);
  });

  it('verify with quarantine moves it to corrupt/, after which a re-put restores it', async () => {
    const { dir, cas, bytes, bad, good, actual } = await corruptStore();
    const report = await cas.verify({ quarantine: true });
    expect(report.corrupt).toHaveLength(1);
    const moved = report.corrupt[0]!;
    expect(moved.digest).toBe(bad.digest);
    expect(moved.actual).toBe(actual);
    expect(moved.path.startsWith(join(dir, 'cas', 'corrupt') + '/')).toBe(true);
    expect(existsSync(moved.path)).toBe(true);
    expect(cas.has(bad.digest)).toBe(false);
    await expect(cas.read(bad.digest)).rejects.toBeInstanceOf(CasMissingError);
    expect((await cas.read(good.digest)).toString()).toBe('an intact neighbour');

    expect((await cas.verify()).corrupt).toEqual([]);
    const again = await cas.putBytes(bytes);
    expect(again.existed).toBe(false);
    expect((await cas.read(bad.digest)).equals(bytes)).toBe(true);
  });
});
