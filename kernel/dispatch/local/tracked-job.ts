/** In-memory bookkeeping for one job id inside a LocalDispatcher. */
import type { JobListener, JobPhase, JobSpec, JobStatus } from '../types';
import type { JobPaths } from './job-dir';
import { JobTail } from './job-tail';
import type { LauncherLine } from './launcher';
import type { Deadline } from './timing';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: Error): void;
}

/**
 * A promise with its settle functions. Rejections are marked handled: nobody may be
 * waiting (a job closed before anyone called `wait`), and that must not crash the kernel.
 * @example const d = deferred<number>(); d.resolve(1); await d.promise // 1
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

export interface TrackedJob {
  spec: JobSpec;
  paths: JobPaths;
  phase: JobPhase;
  pid?: number;
  startTime?: string;
  exitCode?: number | null;
  killedBy?: 'timeout' | 'cancel';
  listeners: Set<JobListener>;
  /** Listeners that already saw the final read; a later `wait(listener)` gets a catch-up read. */
  notified: Set<JobListener>;
  tail: JobTail;
  /** Serializes file reads and the terminal transition of this job. */
  io: Promise<void>;
  polling: boolean;
  /** The launcher's answer (S or D) to our line; pending while phase is `queued`. */
  launch?: Deferred<LauncherLine | 'resend-failed'>;
  resent: boolean;
  /** A cancel that arrived before the pid was known; applied when `S` arrives. */
  pendingKill?: 'timeout' | 'cancel';
  /** The result of `submit` (or of re-attaching, for a job found on disk). */
  submitted: Promise<JobStatus>;
  done: Deferred<JobStatus>;
  finishing?: Promise<JobStatus>;
  timeout?: Deadline;
}

/** @example trackJob(spec, jobPaths(root, spec.jobId)).phase // 'queued' */
export function trackJob(spec: JobSpec, paths: JobPaths): TrackedJob {
  return {
    spec,
    paths,
    phase: 'queued',
    listeners: new Set(),
    notified: new Set(),
    tail: new JobTail(spec.jobId, paths),
    io: Promise.resolve(),
    polling: false,
    resent: false,
    submitted: Promise.resolve({ jobId: spec.jobId, phase: 'queued' }),
    done: deferred<JobStatus>(),
  };
}

/** Runs `fn` after every earlier file operation of this job has finished. */
export function serialize<T>(job: TrackedJob, fn: () => Promise<T>): Promise<T> {
  const result = job.io.then(fn);
  job.io = result.then(
    () => {},
    () => {},
  );
  return result;
}

export function isTerminal(phase: JobPhase): boolean {
  return phase === 'exited' || phase === 'lost';
}

/** @example statusOf(job) // { jobId: 'r.s.1', phase: 'running', pid: 4242 } */
export function statusOf(job: TrackedJob): JobStatus {
  const status: JobStatus = { jobId: job.spec.jobId, phase: job.phase };
  if (job.pid !== undefined) status.pid = job.pid;
  if (isTerminal(job.phase)) status.exitCode = job.exitCode ?? null;
  if (job.killedBy) status.killedBy = job.killedBy;
  return status;
}

/** Tells the job's listeners about a problem that is not the job's fault. */
export function warn(job: TrackedJob, message: string): void {
  for (const l of job.listeners) l.onWarning?.(`job ${job.spec.jobId}: ${message}`);
}
