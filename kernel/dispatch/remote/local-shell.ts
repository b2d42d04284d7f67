/**
 * `LocalShell`: the RemoteShell of this machine, for a Slurm cluster whose login node is
 * the machine the kernel runs on (and for tests of the remote job layer without ssh).
 * Same contract as SshShell: uploads and downloads are copies checked by sha256.
 */
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hashMismatch, sha256File } from './hash';
import type { ExecResult, RemoteShell } from './shell';

/**
 * @example
 * const sh = new LocalShell();
 * (await sh.exec('echo hi')).stdout // 'hi\n'
 */
export class LocalShell implements RemoteShell {
  readonly describe = 'local';

  exec(command: string, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return new Promise((resolveP, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs)
        : undefined;
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`local: cannot run /bin/sh: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) return reject(new Error(`local: ${JSON.stringify(command.slice(0, 60))} did not finish within ${opts.timeoutMs} ms`));
        const r: ExecResult = { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
        if (signal) r.signal = signal;
        resolveP(r);
      });
      child.stdin.on('error', () => undefined); // a command that never reads stdin closes it early
      child.stdin.end(opts.stdin ?? undefined);
    });
  }

  async read(path: string, offset: number, maxBytes: number): Promise<Buffer> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
      throw err;
    }
    try {
      const buf = Buffer.alloc(maxBytes);
      let got = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buf, got, maxBytes - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
        if (got >= maxBytes) break;
      }
      return buf.subarray(0, got);
    } finally {
      await handle.close();
    }
  }

  async upload(localPath: string, remotePath: string): Promise<{ sha256: string; bytes: number }> {
    return this.copyChecked(localPath, remotePath, `upload ${localPath} → ${remotePath}`);
  }

  async uploadMany(files: Array<{ local: string; remote: string }>): Promise<Array<{ sha256: string; bytes: number }>> {
    const out: Array<{ sha256: string; bytes: number }> = [];
    for (const f of files) out.push(await this.upload(f.local, f.remote));
    return out;
  }

  async writeFile(path: string, data: string | Buffer): Promise<void> {
    await writeFile(path, data);
  }

  async download(remotePath: string, localPath: string): Promise<{ sha256: string; bytes: number }> {
    return this.copyChecked(remotePath, localPath, `download ${remotePath} → ${localPath}`);
  }

  async close(): Promise<void> {}

  private async copyChecked(from: string, to: string, what: string): Promise<{ sha256: string; bytes: number }> {
    const source = await sha256File(from);
    await mkdir(dirname(to), { recursive: true });
    const part = `${to}.part-${process.pid}`;
    await copyFile(from, part);
    await chmod(part, (await stat(from)).mode & 0o777);
    const copy = await sha256File(part);
    if (copy.sha256 !== source.sha256) {
      await rm(part, { force: true });
      throw hashMismatch(what, source.sha256, copy.sha256);
    }
    await rename(part, to);
    return copy;
  }
}
