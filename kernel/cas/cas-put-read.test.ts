import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { Cas, CasMissingError, type CasPut } from './index';
import { filesUnder, freshDir, independentDigest, patternBytes } from './test-helpers';

// Not a multiple of any chunk size, and several chunks long, to exercise the pipeline edges.
const ODD_SIZE = 9 * 1024 * 1024 + 12345;

function expectStored(cas: Cas, put: CasPut, bytes: Buffer): void {
  expect(put.digest).toBe(independentDigest(bytes));
  expect(put.size).toBe(bytes.length);
  const path = cas.blobPath(put.digest);
  const hex = put.digest.slice('sha256:'.length);
  expect(path).toBe(join(cas.root, 'sha256', hex.slice(0, 2), hex.slice(2)));
  expect(readFileSync(path).equals(bytes)).toBe(true);
  expect(statSync(path).mode & 0o777).toBe(0o444);
}

describe('Cas put and read round trips', () => {
  it('stores bytes and strings under their SHA-256 and reads them back verified', async () => {
    const cas = new Cas(join(freshDir('cas'), 'cas'));
    const bytes = patternBytes(100_000, 1);
    const put = await cas.putBytes(bytes);
    expectStored(cas, put, bytes);
    expect(put.existed).toBe(false);
    expect((await cas.read(put.digest)).equals(bytes)).toBe(true);
    expect(cas.readSync(put.digest).equals(bytes)).toBe(true);

    const str = 'héllo, wörld ✓';
    const sput = cas.putBytesSync(str);
    expectStored(cas, sput, Buffer.from(str, 'utf8'));
    expect((await cas.read(sput.digest)).toString('utf8')).toBe(str);
  });

  it('stores a multi-chunk file in one pass', async () => {
    const dir = freshDir('cas');
    const cas = new Cas(join(dir, 'cas'));
    const bytes = patternBytes(ODD_SIZE, 2);
    writeFileSync(join(dir, 'in.bin'), bytes);
    const put = await cas.putFile(join(dir, 'in.bin'));
    expectStored(cas, put, bytes);
    expect(filesUnder(join(dir, 'cas', 'tmp'))).toEqual([]);
  });

  it('stores a stream of small, odd-sized chunks, strings included', async () => {
    const cas = new Cas(join(freshDir('cas'), 'cas'));
    const bytes = patternBytes(ODD_SIZE, 3);
    const chunks: Array<Buffer | string> = ['prefix-'];
    for (let off = 0; off < bytes.length; off += 65_521) chunks.push(bytes.subarray(off, off + 65_521));
    const put = await cas.putStream(Readable.from(chunks));
    expectStored(cas, put, Buffer.concat([Buffer.from('prefix-'), bytes]));
  });

  it('stores empty content from every entry point as the same blob', async () => {
    const dir = freshDir('cas');
    const cas = new Cas(join(dir, 'cas'));
    writeFileSync(join(dir, 'empty'), '');
    const puts = [
      await cas.putFile(join(dir, 'empty')),
      await cas.putBytes(new Uint8Array(0)),
      cas.putBytesSync(''),
      await cas.putStream(Readable.from([])),
    ];
    expect(new Set(puts.map((p) => p.digest))).toEqual(new Set([independentDigest('')]));
    expect(puts.map((p) => p.existed)).toEqual([false, true, true, true]);
    expect((await cas.read(puts[0]!.digest)).length).toBe(0);
  });

  it('streams a blob back through createReadStream', async () => {
    const cas = new Cas(join(freshDir('cas'), 'cas'));
    const put = await cas.putBytes('x'.repeat(5_000_000));
    expect(await text(cas.createReadStream(put.digest) as Readable)).toBe('x'.repeat(5_000_000));
  });

  it('materializes a writable 0644 copy, creating parents and replacing an old file', async () => {
    const dir = freshDir('cas');
    const cas = new Cas(join(dir, 'cas'));
    const bytes = patternBytes(3_000_000, 4);
    const put = await cas.putBytes(bytes);
    const dest = join(dir, 'work', 'deep', 'data.bin');
    await cas.materialize(put.digest, dest);
    expect(readFileSync(dest).equals(bytes)).toBe(true);
    expect(statSync(dest).mode & 0o777).toBe(0o644);
    writeFileSync(dest, 'stale');
    await cas.materialize(put.digest, dest);
    expect(readFileSync(dest).equals(bytes)).toBe(true);
    expect(filesUnder(join(dir, 'work'))).toEqual(['deep/data.bin']);
  });
});

describe('Cas dedup', () => {
  it('keeps one blob for the same content, reports existed, and leaves tmp empty', async () => {
    const dir = freshDir('cas');
    const cas = new Cas(join(dir, 'cas'));
    const bytes = patternBytes(ODD_SIZE, 5);
    writeFileSync(join(dir, 'a.bin'), bytes);
    const first = await cas.putFile(join(dir, 'a.bin'));
    const again = await cas.putFile(join(dir, 'a.bin'));
    const viaStream = await cas.putStream(Readable.from([bytes]));
    const viaBytes = await cas.putBytes(bytes);
    expect(first.existed).toBe(false);
    expect([again, viaStream, viaBytes]).toEqual([{ ...first, existed: true }, { ...first, existed: true }, { ...first, existed: true }]);
    const hex = first.digest.slice(7);
    expect(filesUnder(join(dir, 'cas'))).toEqual([`sha256/${hex.slice(0, 2)}/${hex.slice(2)}`]);
  });

  it('replaces a stored blob of the wrong size instead of trusting it', async () => {
    const cas = new Cas(join(freshDir('cas'), 'cas'));
    const put = await cas.putBytes('complete content');
    const path = cas.blobPath(put.digest);
    writeFileSync(path, 'trunc', { mode: 0o644, flag: 'w' });
    const again = await cas.putBytes('complete content');
    expect(again.existed).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('complete content');
  });
});

describe('Cas lookups and failures', () => {
  it('answers has/size/list for stored and absent blobs', async () => {
    const cas = new Cas(join(freshDir('cas'), 'cas'));
    const absent = independentDigest('never stored');
    expect(cas.has(absent)).toBe(false);
    expect(cas.size(absent)).toBeNull();
    const listedEmpty = [];
    for await (const e of cas.list()) listedEmpty.push(e);
    expect(listedEmpty).toEqual([]);

    const a = await cas.putBytes('alpha');
    const b = cas.putBytesSync('bravo!');
    expect(cas.has(a.digest)).toBe(true);
    expect(cas.size(b.digest)).toBe(6);
    const listed = [];
    for await (const e of cas.list()) listed.push(e);
    expect(listed.map((e) => [e.digest, e.size]).sort()).toEqual([[a.digest, 5], [b.digest, 6]].sort());
    expect(listed.every((e) => Math.abs(e.mtimeMs - Date.now()) < 60_000)).toBe(true);
  });

  it('reports a missing blob with its digest and expected path from every read API', async () => {
    const dir = freshDir('cas');
    const cas = new Cas(join(dir, 'cas'));
    const d = independentDigest('absent');
    const path = cas.blobPath(d);
    const isMissing = (e: unknown) => e instanceof CasMissingError && e.digest === d && e.message.includes(d) && e.message.includes(path);
    await expect(cas.read(d)).rejects.toSatisfy(isMissing);
    expect(() => cas.readSync(d)).toThrow(CasMissingError);
    await expect(text(cas.createReadStream(d) as Readable)).rejects.toSatisfy(isMissing);
    await expect(cas.materialize(d, join(dir, 'out.bin'))).rejects.toSatisfy(isMissing);
    expect(filesUnder(dir)).toEqual([]);
  });

  it('aborts a put whose source stream fails, leaving no blob and no temp file', async () => {
    const dir = freshDir('cas');
    const cas = new Cas(join(dir, 'cas'));
    async function* failing() {
      yield patternBytes(3 * 1024 * 1024, 6);
      yield patternBytes(3 * 1024 * 1024, 7);
      throw new Error('source went away');
    }
    await expect(cas.putStream(Readable.from(failing()))).rejects.toThrow('source went away');
    expect(filesUnder(join(dir, 'cas'))).toEqual([]);
  });

  it('names the source path when putFile cannot read it', async () => {
    const dir = freshDir('cas');
    const cas = new Cas(join(dir, 'cas'));
    await expect(cas.putFile(join(dir, 'nope.bin'))).rejects.toThrow(join(dir, 'nope.bin'));
  });
});
