/** Running a probe command whose absence is normal (no python3, no git, no GPU). */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';

export interface ProbeOptions {
  cwd?: string;
  timeoutMs?: number;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/** stdout of a successful run, or null when the command is missing, fails or times out. */
export function probe(cmd: string, args: readonly string[], opts: ProbeOptions = {}): string | null {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 5_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: MAX_OUTPUT,
  });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}

/**
 * `probe` without blocking: runs at run start, beside the run's own work.
 * @example await probeAsync('git', ['rev-parse', 'HEAD']) // 'f00…\n' or null
 */
export function probeAsync(cmd: string, args: readonly string[], opts: ProbeOptions = {}): Promise<string | null> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const timer = setTimeout(() => {
      failed = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 5_000);
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_OUTPUT) {
        failed = true;
        child.kill('SIGKILL');
      } else chunks.push(d);
    });
    child.on('error', () => {
      failed = true;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(failed || code !== 0 ? null : Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** @example sha256('') === 'sha256:e3b0c442…' */
export function sha256(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
