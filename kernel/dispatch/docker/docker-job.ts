/** In-memory bookkeeping for one job id inside a DockerDispatcher. */
import type Docker from 'dockerode';
import type { JobListener, JobPhase, JobSpec, JobStatus } from '../types';
import { JobTail } from '../local/job-tail';
import type { Deadline } from '../local/timing';
import { deferred, type Deferred } from '../local/tracked-job';
import type { DockerJobPaths } from './job-files';
import type { LogMirror } from './log-mirror';

export interface DockerJob {
  spec: JobSpec;
  paths: DockerJobPaths;
  phase: JobPhase;
  container?: Docker.Container;
  containerId?: string;
  exitCode?: number | null;
  killedBy?: 'timeout' | 'cancel';
  oomKilled?: boolean;
  listeners: Set<JobListener>;
  /** Listeners that already saw the final read; a later `wait(listener)` gets a catch-up read. */
  notified: Set<JobListener>;
  tail: JobTail;
  /** Serializes tail reads (poll timer, final read). */
  io: Promise<void>;
  mirror?: LogMirror;
  poller?: NodeJS.Timeout;
  /** Aborts the exit watch (its wait request and watchdog) when the dispatcher lets go of the job. */
  watching?: AbortController;
  timeout?: Deadline;
  /** This dispatcher sent the preemption warning: a SIGTERM death is then not from outside. */
  preempting?: boolean;
  /** A cancel that arrived before the container existed; applied once it runs. */
  pendingKill?: 'timeout' | 'cancel';
  submitted: Promise<JobStatus>;
  done: Deferred<JobStatus>;
  finishing?: Promise<JobStatus>;
}

/** @example trackDockerJob(spec, dockerJobPaths(root, spec.jobId)).phase // 'queued' */
export function trackDockerJob(spec: JobSpec, paths: DockerJobPaths): DockerJob {
  return {
    spec,
    paths,
    phase: 'queued',
    listeners: new Set(),
    notified: new Set(),
    tail: new JobTail(spec.jobId, paths),
    io: Promise.resolve(),
    submitted: Promise.resolve({ jobId: spec.jobId, phase: 'queued' }),
    done: deferred<JobStatus>(),
  };
}

/** Runs `fn` after the job's earlier tail reads have finished. */
export function inOrder(job: DockerJob, fn: () => Promise<void>): Promise<void> {
  const result = job.io.then(fn);
  job.io = result.catch(() => {});
  return result;
}

export function isEnded(job: DockerJob): boolean {
  return job.phase === 'exited' || job.phase === 'lost' || job.finishing !== undefined;
}

/** @example dockerStatus(job) // { jobId: 'r.s.1', phase: 'running', nativeId: '3f2a…' } */
export function dockerStatus(job: DockerJob): JobStatus {
  const status: JobStatus = { jobId: job.spec.jobId, phase: job.phase };
  if (job.containerId) status.nativeId = job.containerId;
  if (job.phase === 'exited' || job.phase === 'lost') status.exitCode = job.exitCode ?? null;
  if (job.killedBy) status.killedBy = job.killedBy;
  if (job.oomKilled) status.oomKilled = true;
  return status;
}

/** Tells the job's listeners about a problem that is not the job's fault. */
export function warnJob(job: DockerJob, message: string): void {
  for (const l of job.listeners) l.onWarning?.(`job ${job.spec.jobId}: ${message}`);
}
