/**
 * What a job directory says about its job, read without side effects. This is how a
 * kernel that restarted after a crash learns the phase of a job it started before.
 */
import { stat } from 'node:fs/promises';
import type { JobPhase } from '../types';
import { readExitFile, readKilledFile, readPidFile, type JobPaths } from './job-dir';
import { isJobProcessAlive } from './process-probe';

export interface DiskState {
  exists: boolean;
  claimed: boolean;
  pid?: { pid: number; startTime: string };
  alive: boolean;
  exitCode?: number;
  killedBy?: 'timeout' | 'cancel';
}

/** @example await exists('/tmp') // true */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the job directory. The order matters: a wrapper writes `exit` and then dies, so
 * a dead pid is only believed after `exit` has been re-read.
 * @example (await probeJobDir(jobPaths(root, id))).exitCode // 0 once the job exited 0
 */
export async function probeJobDir(paths: JobPaths): Promise<DiskState> {
  const state: DiskState = { exists: await exists(paths.dir), claimed: false, alive: false };
  if (!state.exists) return state;
  await readProcessState(paths, state);
  // Read last: a kill decided while we looked at the process must still be seen.
  state.killedBy = await readKilledFile(paths);
  return state;
}

async function readProcessState(paths: JobPaths, state: DiskState): Promise<void> {
  state.exitCode = await readExitFile(paths);
  state.claimed = state.exitCode !== undefined || (await exists(paths.claim));
  if (state.exitCode !== undefined || !state.claimed) return;
  state.pid = await readPidFile(paths);
  if (!state.pid) return;
  state.alive = await isJobProcessAlive(state.pid.pid, state.pid.startTime);
  if (!state.alive) state.exitCode = await readExitFile(paths);
}

/**
 * The phase a directory implies. A claimed job whose wrapper died without writing `exit`
 * is `lost` — unless the dispatcher killed it, then it ended as asked (`exited`, code null).
 * @example phaseOf({ exists: true, claimed: true, alive: false, pid }) // 'lost'
 */
export function phaseOf(state: DiskState): JobPhase {
  if (!state.exists) return 'unknown';
  if (state.exitCode !== undefined) return 'exited';
  if (!state.claimed || !state.pid) return 'queued';
  if (state.alive) return 'running';
  return state.killedBy ? 'exited' : 'lost';
}
