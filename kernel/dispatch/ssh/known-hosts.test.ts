import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint, hostPattern, keysFor, preferredHostKeyAlgorithms, verifyHostKey } from './known-hosts';

/** An ssh-ed25519 public key blob (string "ssh-ed25519" + 32 key bytes, length-prefixed). */
function ed25519Blob(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
}

const a = ed25519Blob();
const b = ed25519Blob();
const line = (hosts: string, blob: Buffer) => `${hosts} ssh-ed25519 ${blob.toString('base64')}`;
const dir = mkdtempSync(join(tmpdir(), 'sgr-kh-'));
function file(text: string): string {
  const p = join(dir, `kh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(p, text);
  return p;
}

describe('known_hosts', () => {
  it('names hosts as OpenSSH does', () => {
    expect(hostPattern('gpu1', 22)).toBe('gpu1');
    expect(hostPattern('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches plain, comma-separated, wildcard, negated and hashed entries', () => {
    expect(keysFor(line('gpu1,gpu1.lab', a), 'gpu1.lab')).toHaveLength(1);
    expect(keysFor(line('*.lab', a), 'gpu7.lab')).toHaveLength(1);
    expect(keysFor(line('*.lab,!gpu7.lab', a), 'gpu7.lab')).toHaveLength(0);
    expect(keysFor(line('[127.0.0.1]:2222', a), '[127.0.0.1]:2222')).toHaveLength(1);
    expect(keysFor(line('[127.0.0.1]:2222', a), '127.0.0.1')).toHaveLength(0);
    const salt = Buffer.from('0123456789abcdef0123');
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('gpu1').digest('base64')}`;
    expect(keysFor(line(hashed, a), 'gpu1')).toHaveLength(1);
    expect(keysFor(line(hashed, a), 'gpu2')).toHaveLength(0);
    expect(keysFor(`# comment\n@cert-authority *.lab ssh-ed25519 ${a.toString('base64')}\n`, 'x.lab')).toHaveLength(0);
  });

  it('accepts the listed key and refuses unknown, different and revoked keys', () => {
    expect(verifyHostKey(file(line('gpu1', a)), 'gpu1', 22, a)).toEqual({ ok: true });
    const unknown = verifyHostKey(file(line('other', a)), 'gpu1', 22, a);
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.reason).toContain(`not in known_hosts file`);
    expect(!unknown.ok && unknown.reason).toContain(fingerprint(a));
    const changed = verifyHostKey(file(line('gpu1', a)), 'gpu1', 22, b);
    expect(!changed.ok && changed.reason).toMatch(/HOST KEY MISMATCH/);
    expect(!changed.ok && changed.reason).toContain(fingerprint(a));
    expect(!changed.ok && changed.reason).toContain(fingerprint(b));
    const revoked = verifyHostKey(file(`${line('gpu1', a)}\n@revoked ${line('*', a)}\n`), 'gpu1', 22, a);
    expect(!revoked.ok && revoked.reason).toMatch(/@revoked/);
    const missing = verifyHostKey(join(dir, 'nope'), 'gpu1', 22, a);
    expect(!missing.ok && missing.reason).toMatch(/cannot read known_hosts file .*nope \(ENOENT\)/);
  });

  it('asks the server for the key types known_hosts lists', () => {
    expect(preferredHostKeyAlgorithms(keysFor(`gpu1 ssh-rsa AAAA\n${line('gpu1', a)}`, 'gpu1'))).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
  });
});
