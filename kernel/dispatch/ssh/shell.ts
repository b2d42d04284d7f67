/**
 * `SshShell`: the RemoteShell over ssh2 — exec channels and SFTP on one connection that is
 * re-opened, with exponential backoff, on the next call after it dropped. Anything in
 * flight when the connection dies rejects with ConnectionLostError, never with a made-up
 * exit code (ssh2 reports a killed server side as `close` without an exit status).
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type { SshTarget, TargetConfig } from '../../targets/schema';
import { shellQuote } from '../local/job-dir';
import { hashMismatch, parseSha256sum, sha256File } from '../remote/hash';
import { ConnectionLostError, type ExecResult, type RemoteShell } from '../remote/shell';
import { closeLink, describeTarget, openLink, type SshLink } from './connect';
import { brief, collectExec, Slots } from './exec-channel';

export interface SshShellOptions {
  /** Resolves a `jump` target by name (DispatcherContext.lookup). */
  lookup?: (name: string) => TargetConfig;
  /** Handshake + authentication limit (default 20 s). */
  readyTimeoutMs?: number;
  /** Channels open at once; OpenSSH's MaxSessions defaults to 10 (default 8). */
  maxChannels?: number;
  /** Reconnect backoff: first wait and cap (default 250 ms, 10 s). */
  backoffMs?: { initial: number; max: number };
}

interface Live {
  link: SshLink;
  dead: boolean;
  sftp?: Promise<SFTPWrapper>;
  /** Rejecters of everything in flight on this connection, called when it dies. */
  pending: Set<(err: Error) => void>;
}

/** SFTP status code for "no such file". */
const SFTP_NO_SUCH_FILE = 2;

/**
 * @example
 * const sh = new SshShell('gpu1', target);
 * const { code, stdout } = await sh.exec('nproc');
 * await sh.close();
 */
export class SshShell implements RemoteShell {
  readonly describe: string;
  private live: Live | undefined;
  private connecting: Promise<Live> | undefined;
  private failures = 0;
  private nextAttemptAt = 0;
  private closed = false;
  private readonly slots: Slots;
  private readonly backoff: { initial: number; max: number };

  constructor(
    readonly name: string,
    readonly target: SshTarget,
    private readonly opts: SshShellOptions = {},
  ) {
    this.describe = describeTarget(target);
    this.slots = new Slots(opts.maxChannels ?? 8);
    this.backoff = opts.backoffMs ?? { initial: 250, max: 10_000 };
  }

  /** Connects now (or reuses the live connection); the server's version string. */
  async connect(): Promise<{ serverVersion: string }> {
    const live = await this.connection();
    return { serverVersion: live.link.serverVersion };
  }

  async exec(command: string, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    const live = await this.connection();
    await this.slots.acquire();
    try {
      return await this.guard(live, (resolveP, reject) => {
        // The server runs commands with the user's login shell (bash, zsh, fish…); the
        // contract is /bin/sh, so hand the command to it explicitly.
        live.link.client.exec(`exec /bin/sh -c ${shellQuote(command)}`, (err, stream) => {
          if (err) return reject(new ConnectionLostError(this.describe, `cannot open a channel for ${brief(command)}: ${err.message}`));
          collectExec(stream, this.describe, command, opts, resolveP, reject);
        });
      });
    } finally {
      this.slots.release();
    }
  }

  async read(path: string, offset: number, maxBytes: number): Promise<Buffer> {
    const sftp = await this.sftp();
    const live = this.live!;
    return this.guard(live, (resolveP, reject) => {
      sftp.open(path, 'r', (err, handle) => {
        if (err) return (err as { code?: number }).code === SFTP_NO_SUCH_FILE ? resolveP(Buffer.alloc(0)) : reject(sftpError(this.describe, 'read', path, err));
        const parts: Buffer[] = [];
        let got = 0;
        const next = (): void => {
          const want = Math.min(maxBytes - got, 256 * 1024);
          if (want <= 0) return finish();
          sftp.read(handle, Buffer.alloc(want), 0, want, offset + got, (rerr, n, buf) => {
            // ssh2 reports end of file as an error with code 1 (EOF).
            if (rerr && (rerr as { code?: number }).code !== 1) return sftp.close(handle, () => reject(sftpError(this.describe, 'read', path, rerr)));
            if (rerr || n === 0) return finish();
            parts.push(buf.subarray(0, n));
            got += n;
            next();
          });
        };
        const finish = (): void => sftp.close(handle, () => resolveP(Buffer.concat(parts)));
        next();
      });
    });
  }

  async upload(localPath: string, remotePath: string): Promise<{ sha256: string; bytes: number }> {
    return (await this.uploadMany([{ local: localPath, remote: remotePath }]))[0]!;
  }

  async uploadMany(files: Array<{ local: string; remote: string }>): Promise<Array<{ sha256: string; bytes: number }>> {
    if (files.length === 0) return [];
    const locals = await Promise.all(files.map((f) => sha256File(f.local)));
    const dirs = [...new Set(files.map((f) => posix.dirname(f.remote)))];
    await this.run(`mkdir -p ${dirs.map(shellQuote).join(' ')}`);
    const sftp = await this.sftp();
    const live = this.live!;
    let next = 0;
    const put = async (): Promise<void> => {
      while (next < files.length) {
        const f = files[next++]!;
        const mode = (await stat(f.local)).mode & 0o777;
        await this.guard<void>(live, (resolveP, reject) =>
          sftp.fastPut(f.local, f.remote, { mode }, (err) => (err ? reject(sftpError(this.describe, 'upload to', f.remote, err)) : resolveP())),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, files.length) }, put));
    // One check for all of them; chunks keep the command line short.
    for (let i = 0; i < files.length; i += 200) {
      const chunk = files.slice(i, i + 200);
      const r = await this.exec(`sha256sum ${chunk.map((f) => shellQuote(f.remote)).join(' ')}`);
      const byName = new Map<string, string>();
      for (const line of r.stdout.split('\n')) {
        const m = line.match(/^([0-9a-f]{64}) [ *](.*)$/);
        if (m) byName.set(m[2]!, `${m[1]} ${m[2]}`);
      }
      chunk.forEach((f, j) => {
        const remote = parseSha256sum(byName.get(f.remote) ?? '', r.stderr, f.remote);
        const expected = locals[i + j]!.sha256;
        if (remote !== expected) throw hashMismatch(`upload ${f.local} → ${this.describe}:${f.remote}`, expected, remote);
      });
    }
    return locals;
  }

  async writeFile(path: string, data: string | Buffer): Promise<void> {
    const sftp = await this.sftp();
    await this.guard<void>(this.live!, (resolveP, reject) =>
      sftp.writeFile(path, data, (err) => (err ? reject(sftpError(this.describe, 'write', path, err)) : resolveP())),
    );
  }

  async download(remotePath: string, localPath: string): Promise<{ sha256: string; bytes: number }> {
    const r = await this.exec(`sha256sum ${shellQuote(remotePath)}`);
    const expected = parseSha256sum(r.stdout, r.stderr, `${this.describe}:${remotePath}`);
    await mkdir(dirname(localPath), { recursive: true });
    const part = `${localPath}.part-${process.pid}`;
    const sftp = await this.sftp();
    await this.guard<void>(this.live!, (resolveP, reject) =>
      sftp.fastGet(remotePath, part, (err) => (err ? reject(sftpError(this.describe, 'download', remotePath, err)) : resolveP())),
    );
    const got = await sha256File(part);
    if (got.sha256 !== expected) {
      await rm(part, { force: true });
      throw hashMismatch(`download ${this.describe}:${remotePath}`, expected, got.sha256);
    }
    await rename(part, localPath);
    return got;
  }

  async close(): Promise<void> {
    this.closed = true;
    const live = this.live;
    this.live = undefined;
    if (live) this.kill(live, new Error(`${this.describe}: the shell was closed`));
  }

  /** exec that must succeed (exit 0); throws with its stderr otherwise. */
  private async run(command: string): Promise<string> {
    const r = await this.exec(command);
    if (r.code !== 0) throw new Error(`${this.describe}: ${brief(command)} failed (exit ${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Runs an operation on `live`; it rejects with ConnectionLostError if the connection dies first. */
  private guard<T>(live: Live, body: (resolveP: (v: T) => void, reject: (err: Error) => void) => void): Promise<T> {
    if (live.dead) return Promise.reject(new ConnectionLostError(this.describe, 'the connection dropped'));
    return new Promise<T>((resolveP, reject) => {
      const onDeath = (err: Error): void => reject(err);
      live.pending.add(onDeath);
      const settle =
        <A>(fn: (a: A) => void) =>
        (a: A): void => {
          live.pending.delete(onDeath);
          fn(a);
        };
      try {
        body(settle(resolveP), settle(reject));
      } catch (err) {
        // ssh2 throws synchronously ("Not connected") when the socket died before `close` fired.
        settle(reject)(new ConnectionLostError(this.describe, (err as Error).message));
      }
    });
  }

  private async sftp(): Promise<SFTPWrapper> {
    const live = await this.connection();
    if (live.sftp) return live.sftp;
    const session = this.guard<SFTPWrapper>(live, (resolveP, reject) =>
      live.link.client.sftp((err, sftp) => {
        if (err) return reject(new ConnectionLostError(this.describe, `cannot start SFTP: ${err.message}`));
        // A broken SFTP session is dropped (the next transfer opens a new one); an 'error'
        // without a listener would crash the process.
        const forget = (): void => {
          if (live.sftp === session) live.sftp = undefined;
        };
        sftp.on('error', forget);
        sftp.on('close', forget);
        resolveP(sftp);
      }),
    );
    live.sftp = session;
    session.catch(() => (live.sftp = undefined));
    return session;
  }

  private async connection(): Promise<Live> {
    if (this.closed) throw new Error(`${this.describe}: the shell was closed`);
    if (this.live && !this.live.dead) return this.live;
    this.connecting ??= this.reconnect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async reconnect(): Promise<Live> {
    const wait = this.nextAttemptAt - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      const link = await openLink(this.target, { name: this.name, lookup: this.opts.lookup, readyTimeoutMs: this.opts.readyTimeoutMs ?? 20_000 });
      this.failures = 0;
      this.nextAttemptAt = 0;
      const live: Live = { link, dead: false, pending: new Set() };
      const die = (why: string) => () => this.kill(live, new ConnectionLostError(this.describe, why));
      link.client.on('close', die('the connection closed'));
      link.client.on('error', (e: Error) => die(`connection error: ${e.message}`)());
      if (this.closed) {
        closeLink(link);
        throw new Error(`${this.describe}: the shell was closed`);
      }
      this.live = live;
      return live;
    } catch (err) {
      this.failures++;
      this.nextAttemptAt = Date.now() + Math.min(this.backoff.initial * 2 ** (this.failures - 1), this.backoff.max);
      throw err;
    }
  }

  private kill(live: Live, err: Error): void {
    if (live.dead) return;
    live.dead = true;
    for (const reject of live.pending) reject(err);
    live.pending.clear();
    closeLink(live.link);
  }
}

/** ssh2's SFTP client reports a channel that died with the connection this way. */
const SFTP_LOST = /No response from server|Channel|Not connected|connection lost/i;

function sftpError(describe: string, op: string, path: string, err: Error): Error {
  const message = `sftp ${op} ${path}: ${err.message}`;
  return SFTP_LOST.test(err.message) ? new ConnectionLostError(describe, message) : new Error(message);
}
