/** Running a probe command whose absence is normal (no python3, no git, no GPU). */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';

/** stdout of a successful run, or null when the command is missing, fails or times out. */
export function probe(cmd: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): string | null {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 5_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}

/** @example sha256('') === 'sha256:e3b0c442…' */
export function sha256(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
