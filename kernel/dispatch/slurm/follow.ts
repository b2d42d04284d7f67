/**
 * One look at a Slurm job: new log and event bytes into the mirror (and to the listeners),
 * then Slurm's state; a terminal state completes the job (final status, mirror end files).
 */
import type { RemoteShell } from '../remote/shell';
import type { JobStatus } from '../types';
import { querySlurm } from './commands';
import { finishJob, readRemoteExit } from './finish';
import type { SlurmJob } from './job';
import { phaseOfState, type SlurmState } from './states';

/**
 * @param unknownPolls looks in a row in which neither Slurm nor the job directory knows the job before it is `lost`
 * @example await followOnce(shell, job, 10)
 */
export async function followOnce(shell: RemoteShell, job: SlurmJob, unknownPolls: number): Promise<void> {
  if (job.busy || job.final) return;
  job.busy = true;
  try {
    await job.tail!.poll(shell, job.listeners, false);
    const state = await querySlurm(shell, job.slurmId!);
    // Neither scontrol nor sacct knows it (no accounting, long purged): the exit file decides.
    const phase = state ? phaseOfState(state.state) : (await readRemoteExit(shell, job)) === undefined ? 'unknown' : 'exited';
    if (phase === 'unknown') {
      if (++job.misses >= unknownPolls) await finish(shell, job, 'lost', state);
      return;
    }
    job.misses = 0;
    if (phase === 'exited' || phase === 'lost') await finish(shell, job, phase, state);
    else job.phase = phase;
  } finally {
    job.busy = false;
  }
}

async function finish(shell: RemoteShell, job: SlurmJob, phase: 'exited' | 'lost', state: SlurmState | undefined): Promise<void> {
  await job.tail!.poll(shell, job.listeners, true);
  const status: JobStatus = await finishJob(shell, job, phase, state);
  clearTimeout(job.timeout);
  clearTimeout(job.graceTimer);
  job.final = status;
  job.phase = phase;
  job.resolve(status);
}
