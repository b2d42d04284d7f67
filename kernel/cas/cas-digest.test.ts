import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cas, CasDigestError, isDigest, sha256Hex } from './index';
import { freshDir } from './test-helpers';

const GOOD = `sha256:${'0123456789abcdef'.repeat(4)}`;
const BAD = [
  '',
  'sha256:',
  `SHA256:${'a'.repeat(64)}`,
  `sha256:${'A'.repeat(64)}`,
  `sha256:${'a'.repeat(63)}`,
  `sha256:${'a'.repeat(65)}`,
  `sha256:${'g'.repeat(64)}`,
  `md5:${'a'.repeat(32)}`,
  'a'.repeat(64),
  `sha256:${'a'.repeat(62)}/..`,
  `sha256:../../${'a'.repeat(58)}`,
  ` ${GOOD}`,
  `${GOOD}\n`,
];

describe('digest strings', () => {
  it('accepts only sha256:<64 lowercase hex>', () => {
    expect(isDigest(GOOD)).toBe(true);
    for (const bad of BAD) expect(isDigest(bad), JSON.stringify(bad)).toBe(false);
  });

  it('sha256Hex matches the FIPS 180-2 test vectors', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('every API that takes a digest rejects a bad one, naming the value and the call', async () => {
    const cas = new Cas(join(freshDir('cas'), 'cas'));
    const bad = 'sha256:../../etc/passwd';
    const named = (call: string) => (e: unknown) =>
      e instanceof CasDigestError && e.value === bad && e.message.includes(JSON.stringify(bad)) && e.message.includes(call);
    expect(() => cas.blobPath(bad)).toThrow(CasDigestError);
    expect(() => cas.blobPath(bad)).toThrow(/Cas\.blobPath: invalid digest "sha256:\.\.\/\.\.\/etc\/passwd"/);
    expect(() => cas.has(bad)).toThrow(/Cas\.has/);
    expect(() => cas.size(bad)).toThrow(/Cas\.size/);
    expect(() => cas.readSync(bad)).toThrow(/Cas\.readSync/);
    expect(() => cas.createReadStream(bad)).toThrow(/Cas\.createReadStream/);
    await expect(cas.read(bad)).rejects.toSatisfy(named('Cas.read'));
    await expect(cas.materialize(bad, join(cas.root, 'x'))).rejects.toSatisfy(named('Cas.materialize'));
  });
});
