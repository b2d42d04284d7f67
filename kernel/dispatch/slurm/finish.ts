/**
 * The end of a Slurm job: its final status (exit code from the job directory, else from
 * Slurm; timeout, cancel, out of memory), and `started`/`exit` in the local mirror for
 * collect (which downloads the outputs: remote/collect.ts).
 */
import { writeFile } from 'node:fs/promises';
import { readKilledFile } from '../local/job-dir';
import type { RemoteShell } from '../remote/shell';
import type { JobStatus } from '../types';
import type { SlurmJob } from './job';
import { writeFinalStatus } from './mirror';
import type { SlurmState } from './states';

/** slurmstepd's words for a step killed over its memory limit (jobacct_gather and task/cgroup). */
const OOM_MESSAGE = /Exceeded (job|step) memory limit|oom[-_]kill event|Detected \d+ oom[-_]kill/i;

const EXIT_LINE = /^\d+\n$/;

/** The exit code the batch script recorded, if it got that far. */
export async function readRemoteExit(shell: RemoteShell, job: SlurmJob): Promise<number | undefined> {
  const text = (await shell.read(job.layout.paths.exit, 0, 64)).toString();
  return EXIT_LINE.test(text) ? Number(text) : undefined;
}

/** Computes and records the final status. */
export async function finishJob(shell: RemoteShell, job: SlurmJob, phase: 'exited' | 'lost', state: SlurmState | undefined): Promise<JobStatus> {
  const fromFile = await readRemoteExit(shell, job);
  const fromSlurm = state ? (state.signal ? 128 + state.signal : state.exitCode) : null;
  const status: JobStatus = { jobId: job.spec.jobId, phase, exitCode: phase === 'lost' ? null : (fromFile ?? fromSlurm) };
  if (job.slurmId) status.nativeId = job.slurmId;
  const killedBy = (await readKilledFile(job.local)) ?? (state?.state === 'TIMEOUT' ? 'timeout' : undefined);
  if (killedBy) status.killedBy = killedBy;
  if (state?.state === 'OUT_OF_MEMORY' || (phase === 'exited' && status.exitCode !== 0 && (await memoryKilled(shell, job)))) status.oomKilled = true;
  await mirrorEndFiles(shell, job);
  await writeFinalStatus(job.local, status);
  return status;
}

/**
 * Clusters that enforce --mem through cgroups report OUT_OF_MEMORY; with accounting-based
 * enforcement (JobAcctGatherParams=OverMemoryKill) the job ends CANCELLED or FAILED and only
 * slurmstepd's message in the job's Slurm output says why.
 */
async function memoryKilled(shell: RemoteShell, job: SlurmJob): Promise<boolean> {
  const text = (await shell.read(`${job.layout.paths.dir}/slurm.out`, 0, 256 * 1024)).toString();
  return OOM_MESSAGE.test(text);
}

/** `started` and `exit` from the job directory: local/collect.ts computes the duration from them. */
async function mirrorEndFiles(shell: RemoteShell, job: SlurmJob): Promise<void> {
  for (const f of ['started', 'exit'] as const) {
    const text = (await shell.read(job.layout.paths[f], 0, 64)).toString();
    if (text.endsWith('\n')) await writeFile(job.local[f], text);
  }
}
