/**
 * A real OpenSSH server for tests (issue 6): /usr/sbin/sshd on 127.0.0.1:<free port> with a
 * private config, generated ed25519 host and client keys and a known_hosts line, all in a
 * temp dir. Fault helpers kill the per-connection sshd processes (the connection drops, the
 * listener stays) or SIGSTOP the whole server (only keepalives notice).
 *
 * @example
 * const sshd = await startSshd();
 * const target = sshd.target({ root: '/tmp/x/remote' });
 * await sshd.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { sshTargetSchema, type SshTarget } from '../../kernel/targets/schema';

export const SSHD_BIN = '/usr/sbin/sshd';

export interface SshdOptions {
  /** Encrypt the client key with this passphrase (tests of `passphraseEnv`). */
  passphrase?: string;
  /** Reuse a client key (a jump host and its target accepting the same key). */
  clientKeyPath?: string;
  /** Extra sshd_config lines. */
  extraConfig?: string[];
}

export interface Sshd {
  host: string;
  port: number;
  user: string;
  /** Client private key accepted by this server. */
  keyPath: string;
  /** known_hosts holding exactly this server's host key. */
  knownHostsPath: string;
  /** The server's host key line (`ssh-ed25519 AAAA…`) as written into known_hosts. */
  hostKeyLine: string;
  dir: string;
  pid: number;
  /** sshd's stderr so far (debug aid for failing tests). */
  log(): string;
  /** Kills the per-connection sshd processes (SIGKILL); the listener keeps accepting. Returns how many. */
  killConnections(): number;
  /** SIGSTOPs the listener and every per-connection sshd: the server goes silent, nothing closes. */
  pause(): void;
  /** SIGCONTs what pause() stopped. */
  resume(): void;
  /** A ready ssh target for this server (`extra` overrides, e.g. root, jump, keepaliveMs). */
  target(extra?: Partial<SshTarget>): SshTarget;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed test run must not leave sshd listeners behind.
  process.on('exit', () => {
    for (const c of running) {
      try {
        if (c.pid) process.kill(c.pid, 'SIGCONT');
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/** A port that was free a moment ago (sshd binding fails loudly if someone raced us). */
export function freePort(): Promise<number> {
  return new Promise((resolveP, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolveP(port));
    });
  });
}

function keygen(path: string, passphrase = ''): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'sgr-test', '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen -f ${path} failed: ${r.stderr}`);
}

/** pid → parent pid for every process (from /proc). */
function processTable(): Array<{ pid: number; ppid: number; comm: string }> {
  const rows: Array<{ pid: number; ppid: number; comm: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // comm may contain spaces and parens: it ends at the LAST ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      rows.push({ pid: Number(entry), ppid, comm });
    } catch {
      /* exited while we looked */
    }
  }
  return rows;
}

/** Descendant sshd processes of `root` (the per-connection [priv] and session processes). */
function sshdDescendants(root: number): number[] {
  const table = processTable();
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const p of table) {
      if (p.ppid !== parent) continue;
      queue.push(p.pid);
      if (p.comm.startsWith('sshd')) out.push(p.pid);
    }
  }
  return out;
}

function signalAll(pids: number[], sig: NodeJS.Signals): number {
  let n = 0;
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
      n++;
    } catch {
      /* gone already */
    }
  }
  return n;
}

/** Starts sshd and resolves once it listens. Throws with sshd's own stderr when it cannot start. */
export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  installExitHook();
  // sshd (as root) refuses to start without its privilege-separation directory. A non-root
  // sshd does not need it (and could not create it).
  try {
    mkdirSync('/run/sshd', { recursive: true });
  } catch (err) {
    if (process.getuid?.() === 0) throw err;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sgr-sshd-'));
  const hostKey = join(dir, 'host_ed25519');
  keygen(hostKey);
  let keyPath = opts.clientKeyPath;
  if (!keyPath) {
    keyPath = join(dir, 'client_ed25519');
    keygen(keyPath, opts.passphrase ?? '');
  }
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${keyPath}.pub`, 'utf8'), { mode: 0o600 });
  const hostKeyLine = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'AllowTcpForwarding yes',
        'MaxSessions 64',
        'MaxStartups 64',
        'LogLevel INFO',
        'Subsystem sftp internal-sftp',
        ...(opts.extraConfig ?? []),
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD_BIN, ['-f', config, '-D', '-e'], { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const ok = await new Promise<boolean>((resolveP) => {
      const onData = (): void => {
        if (/Server listening on 127\.0\.0\.1 port/.test(stderr)) done(true);
      };
      const done = (v: boolean): void => {
        child.stderr!.off('data', onData);
        child.off('exit', onExit);
        resolveP(v);
      };
      const onExit = (): void => done(false);
      child.stderr!.on('data', onData);
      child.once('exit', onExit);
      onData();
    });
    if (!ok) {
      running.delete(child);
      if (attempt < 3 && /Address already in use/.test(stderr)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd (${SSHD_BIN} -f ${config}) did not start:\n${stderr}`);
    }
    const knownHostsPath = join(dir, 'known_hosts');
    writeFileSync(knownHostsPath, `[127.0.0.1]:${port} ${hostKeyLine}\n`);
    const pid = child.pid!;
    let paused: number[] = [];
    const user = userInfo().username;
    const sshd: Sshd = {
      host: '127.0.0.1',
      port,
      user,
      keyPath,
      knownHostsPath,
      hostKeyLine,
      dir,
      pid,
      log: () => stderr,
      killConnections: () => signalAll(sshdDescendants(pid), 'SIGKILL'),
      pause: () => {
        paused = [pid, ...sshdDescendants(pid)];
        signalAll(paused, 'SIGSTOP');
      },
      resume: () => {
        signalAll(paused, 'SIGCONT');
        paused = [];
      },
      target: (extra = {}) =>
        sshTargetSchema.parse({ kind: 'ssh', host: '127.0.0.1', port, user, key: keyPath, knownHosts: knownHostsPath, ...extra }),
      stop: async () => {
        const kids = sshdDescendants(pid);
        signalAll([pid, ...kids], 'SIGCONT');
        signalAll(kids, 'SIGKILL');
        if (child.exitCode === null && child.signalCode === null) {
          await new Promise<void>((resolveP) => {
            child.once('exit', () => resolveP());
            child.kill('SIGTERM');
          });
        }
        running.delete(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return sshd;
  }
}
