/** Waiting on a job directory, and job deadlines that survive a kernel restart. */
import { probeJobDir, type DiskState } from './disk-state';
import { readStartedFile, type JobPaths } from './job-dir';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Probes the job directory; if the job is claimed but its wrapper has not written `pid`
 * yet, keeps looking for up to `limitMs` (a wrapper needs well under a millisecond for
 * that, unless the machine is very loaded).
 * @example const state = await awaitPid(jobPaths(root, id));
 */
export async function awaitPid(paths: JobPaths, limitMs = 2000, stepMs = 20): Promise<DiskState> {
  const deadline = Date.now() + limitMs;
  let state = await probeJobDir(paths);
  while (state.claimed && !state.pid && state.exitCode === undefined && Date.now() < deadline) {
    await sleep(stepMs);
    state = await probeJobDir(paths);
  }
  return state;
}

/** A cancellable timer. */
export interface Deadline {
  clear(): void;
}

// setTimeout fires at once for delays above 2^31-1 ms (~24.8 days); longer deadlines re-arm.
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Calls `onTimeout` when the job has run `timeoutMs`, counted from its `started` file: a
 * job re-attached after a kernel restart keeps its original deadline.
 * @example job.timeout = await armTimeout(paths, 60_000, () => dispatcher.cancel(id, 'timeout'));
 */
export async function armTimeout(paths: JobPaths, timeoutMs: number, onTimeout: () => void): Promise<Deadline> {
  const started = (await readStartedFile(paths)) ?? Date.now();
  const deadline = started + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const delay = deadline - Date.now();
    if (delay <= 0) onTimeout();
    else timer = setTimeout(arm, Math.min(delay, MAX_DELAY));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
