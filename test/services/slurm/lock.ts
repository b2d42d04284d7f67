/**
 * One test cluster per machine at a time: slurmd registers under the host name, so two
 * clusters (two vitest workers) would fight over it. The lock file holds the owner's pid and
 * the pids of its daemons; a lock left by a SIGKILLed test process is taken over and its
 * daemons (recorded here, so they are ours) are killed first.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LOCK_PATH = join(tmpdir(), 'sgr-test-slurm.lock');

interface LockBody {
  owner: number;
  daemons: number[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(): LockBody | undefined {
  try {
    return JSON.parse(readFileSync(LOCK_PATH, 'utf8')) as LockBody;
  } catch {
    return undefined;
  }
}

/** Waits (up to `timeoutMs`) until this process holds the machine's Slurm lock. */
export async function acquireClusterLock(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(LOCK_PATH, JSON.stringify({ owner: process.pid, daemons: [] } satisfies LockBody), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const body = readLock();
    if (body && body.owner === process.pid) return;
    if (!body || !alive(body.owner)) {
      for (const pid of body?.daemons ?? []) {
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
      try {
        unlinkSync(LOCK_PATH);
      } catch {
        /* another waiter removed it first */
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`slurm harness: ${LOCK_PATH} is held by test process ${body.owner} for more than ${timeoutMs} ms (one cluster per machine)`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Records a daemon pid so a successor can clean up after a SIGKILLed owner. */
export function recordDaemon(pid: number | undefined): void {
  const body = readLock();
  if (!body || body.owner !== process.pid || pid === undefined) return;
  body.daemons.push(pid);
  writeFileSync(LOCK_PATH, JSON.stringify(body));
}

export function releaseClusterLock(): void {
  const body = readLock();
  if (body?.owner === process.pid) unlinkSync(LOCK_PATH);
}
