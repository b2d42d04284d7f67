/**
 * Opens one authenticated ssh2 connection to an ssh target: key file (passphrase from the
 * environment variable the target names) or ssh-agent, the host key checked against
 * known_hosts, and a jump host reached through `forwardOut` on a connection to it.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import type { SshTarget, TargetConfig } from '../../targets/schema';
import { ConnectionLostError } from '../remote/shell';
import { hostPattern, keysFor, preferredHostKeyAlgorithms, verifyHostKey } from './known-hosts';

/** An open connection; `jump` is the connection it tunnels through (closed with it). */
export interface SshLink {
  client: Client;
  jump?: SshLink;
  /** The server's software version (`OpenSSH_9.2p1 Debian-2+deb12u3`). */
  serverVersion: string;
}

export interface ConnectOptions {
  /** Target name, for messages. */
  name: string;
  /** Resolves a jump target by name (DispatcherContext.lookup). */
  lookup?: (name: string) => TargetConfig;
  readyTimeoutMs: number;
}

/** @example describeTarget(t) // 'ssh me@gpu1:22' */
export function describeTarget(t: SshTarget): string {
  return `ssh ${t.user}@${t.host}:${t.port}`;
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/** Auth settings; throws naming the target and the field when the key or passphrase is unusable. */
function authConfig(name: string, t: SshTarget): Pick<ConnectConfig, 'privateKey' | 'passphrase' | 'agent'> {
  if (t.key) {
    const path = expandHome(t.key);
    let privateKey: Buffer;
    try {
      privateKey = readFileSync(path);
    } catch (err) {
      throw new Error(`target "${name}": cannot read key ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    if (!t.passphraseEnv) return { privateKey };
    const passphrase = process.env[t.passphraseEnv];
    if (passphrase === undefined) throw new Error(`target "${name}": passphraseEnv names ${t.passphraseEnv}, but that environment variable is not set`);
    return { privateKey, passphrase };
  }
  const agent = process.env.SSH_AUTH_SOCK;
  if (!agent) throw new Error(`target "${name}": no key given and SSH_AUTH_SOCK is not set — set key: or start ssh-agent`);
  return { agent };
}

function forwardTo(link: SshLink, host: string, port: number, what: string): Promise<Duplex> {
  return new Promise((resolveP, reject) => {
    link.client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
      if (err) reject(new ConnectionLostError(what, `the jump host could not open a tunnel to ${host}:${port}: ${err.message}`));
      else resolveP(stream);
    });
  });
}

/**
 * Connects (through the jump chain if any) and authenticates. Network failures reject with
 * ConnectionLostError (worth retrying); a refused host key or failed authentication with
 * a plain Error naming the target (retrying will not help).
 * @example const link = await openLink(target, { name: 'gpu1', readyTimeoutMs: 20000 });
 */
export async function openLink(t: SshTarget, opts: ConnectOptions, depth = 0): Promise<SshLink> {
  const what = describeTarget(t);
  if (depth > 8) throw new Error(`target "${opts.name}": jump chain deeper than 8 — is there a loop?`);
  let jump: SshLink | undefined;
  let sock: Duplex | undefined;
  if (t.jump) {
    if (!opts.lookup) throw new Error(`target "${opts.name}": jump "${t.jump}" cannot be resolved here`);
    const jt = opts.lookup(t.jump);
    if (jt.kind !== 'ssh') throw new Error(`target "${opts.name}": jump "${t.jump}" is a ${jt.kind} target, not ssh`);
    jump = await openLink(jt, { ...opts, name: t.jump }, depth + 1);
    try {
      sock = await forwardTo(jump, t.host, t.port, what);
    } catch (err) {
      closeLink(jump);
      throw err;
    }
  }
  const knownHosts = expandHome(t.knownHosts ?? '~/.ssh/known_hosts');
  let known: string;
  try {
    known = readFileSync(knownHosts, 'utf8');
  } catch {
    known = '';
  }
  const algos = preferredHostKeyAlgorithms(keysFor(known, hostPattern(t.host, t.port)));
  let refused: string | undefined;
  const config: ConnectConfig = {
    host: t.host,
    port: t.port,
    username: t.user,
    ...authConfig(opts.name, t),
    keepaliveInterval: t.keepaliveMs,
    keepaliveCountMax: t.keepaliveCountMax,
    readyTimeout: opts.readyTimeoutMs,
    hostVerifier: (key: Buffer) => {
      const verdict = verifyHostKey(knownHosts, t.host, t.port, key);
      if (!verdict.ok) refused = verdict.reason;
      return verdict.ok;
    },
    ...(algos.length > 0 ? { algorithms: { serverHostKey: algos as never } } : {}),
    ...(sock ? { sock } : {}),
  };
  const client = new Client();
  return new Promise<SshLink>((resolveP, reject) => {
    const fail = (err: Error & { level?: string }): void => {
      client.end();
      if (jump) closeLink(jump);
      if (refused) reject(new Error(`target "${opts.name}" (${what}): ${refused}`));
      else if (err.level === 'client-authentication')
        reject(new Error(`target "${opts.name}" (${what}): authentication failed with ${t.key ? `key ${t.key}` : 'ssh-agent'} — is its public key in the server's authorized_keys?`));
      else reject(new ConnectionLostError(what, `cannot connect: ${err.message}`));
    };
    client.on('error', fail);
    client.once('close', () => fail(new Error('connection closed during the handshake')));
    client.once('ready', () => {
      client.off('error', fail);
      client.removeAllListeners('close');
      if (jump) {
        // The tunnel dies with the jump connection: end ours too, so the shell reconnects.
        // (An 'error' without a listener would also crash the process.)
        jump.client.removeAllListeners('error');
        jump.client.removeAllListeners('close');
        jump.client.on('error', () => client.end());
        jump.client.on('close', () => client.end());
      }
      // ssh2 keeps the server's identification only in a private field.
      const serverVersion = String((client as unknown as { _remoteVer?: string })._remoteVer ?? '');
      resolveP({ client, jump, serverVersion });
    });
    client.connect(config);
  });
}

/** Ends a connection and the jump connections under it. */
export function closeLink(link: SshLink): void {
  link.client.end();
  if (link.jump) closeLink(link.jump);
}
