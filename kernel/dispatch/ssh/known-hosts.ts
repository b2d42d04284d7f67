/**
 * known_hosts verification for the SSH dispatcher: the server's host key must be listed
 * for `host` (or `[host]:port` when the port is not 22) — plain, wildcard or hashed
 * (`|1|salt|hmac`) entries, `@revoked` honoured. Unknown or different keys are refused
 * with a message naming the file and both fingerprints: never blind trust.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface KnownKey {
  type: string;
  blob: Buffer;
  line: number;
  revoked: boolean;
}

/**
 * The name OpenSSH looks up for a host.
 * @example hostPattern('gpu1', 22) // 'gpu1'; hostPattern('127.0.0.1', 2222) // '[127.0.0.1]:2222'
 */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * OpenSSH-style fingerprint of a raw public key blob.
 * @example fingerprint(blob) // 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'
 */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type inside an SSH public key blob (its first length-prefixed string). */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pat of field.split(',')) {
    if (pat.startsWith('!')) {
      if (globMatch(pat.slice(1), name)) return false;
    } else if (globMatch(pat, name)) matched = true;
  }
  return matched;
}

/**
 * Keys listed for `name` in the known_hosts text (`@cert-authority` lines are skipped:
 * host certificates are not supported).
 * @example keysFor(readFileSync(file, 'utf8'), '[127.0.0.1]:2222')[0]?.type // 'ssh-ed25519'
 */
export function keysFor(text: string, name: string): KnownKey[] {
  const out: KnownKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    let revoked = false;
    if (parts[0]!.startsWith('@')) {
      if (parts[0] === '@cert-authority') return;
      revoked = parts[0] === '@revoked';
      parts.shift();
    }
    const [hosts, type, b64] = parts;
    if (!hosts || !type || !b64 || !hostsFieldMatches(hosts, name)) return;
    out.push({ type, blob: Buffer.from(b64, 'base64'), line: i + 1, revoked });
  });
  return out;
}

/** Host key algorithms to offer so the server presents a key type known_hosts lists (as OpenSSH does). */
export function preferredHostKeyAlgorithms(keys: KnownKey[]): string[] {
  const algos = new Set<string>();
  for (const k of keys) {
    if (k.revoked) continue;
    if (k.type === 'ssh-rsa') for (const a of ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']) algos.add(a);
    else algos.add(k.type);
  }
  return [...algos];
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks the key a server presented against the known_hosts file.
 * @example verifyHostKey('/home/me/.ssh/known_hosts', 'gpu1', 22, blob) // { ok: true }
 */
export function verifyHostKey(file: string, host: string, port: number, blob: Buffer): Verdict {
  const name = hostPattern(host, port);
  const offered = `${blobType(blob)} ${fingerprint(blob)}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, reason: `cannot read known_hosts file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); the server ${name} offers ${offered}` };
  }
  const keys = keysFor(text, name);
  const same = keys.filter((k) => k.blob.equals(blob));
  const revoked = same.find((k) => k.revoked);
  if (revoked) return { ok: false, reason: `host key ${offered} of ${name} is marked @revoked in ${file}:${revoked.line}` };
  if (same.length > 0) return { ok: true };
  const addHint = `check the fingerprint with the server's administrator, then add it: ssh-keyscan ${port === 22 ? '' : `-p ${port} `}${host} >> ${file}`;
  const listed = keys.filter((k) => !k.revoked);
  if (listed.length === 0) return { ok: false, reason: `host ${name} is not in known_hosts file ${file}; the server offers ${offered}. Refusing to connect: ${addHint}` };
  const known = listed.map((k) => `${k.type} ${fingerprint(k.blob)} (${file}:${k.line})`).join(', ');
  return {
    ok: false,
    reason: `HOST KEY MISMATCH for ${name}: the server offers ${offered}, but ${file} lists ${known}. Someone may be intercepting the connection, or the host was reinstalled; refusing to connect`,
  };
}
