/**
 * The in-memory side of the Dispatcher contract every dispatcher shares: submit is
 * idempotent by job id (a second submit joins the first), and a listener that arrives at
 * `wait` after the job's final read still gets what nobody showed it yet.
 */
import type { JobListener, JobPhase, JobSpec, JobStatus } from './types';

/** What the shared logic needs of a dispatcher's own job record. */
export interface TrackedBase {
  listeners: Set<JobListener>;
  /** Listeners that already saw the final read. */
  notified: Set<JobListener>;
  submitted: Promise<JobStatus>;
  done: { promise: Promise<JobStatus>; reject(err: Error): void };
}

/**
 * Submits `spec` once per job id: a known id joins the job already tracked (`statusOf` answers
 * once its start settled); a new one is tracked and started, and a failed start forgets it.
 * @example return submitOnce(this.jobs, spec, listener, { track: (s) => this.track(s), start: (j) => this.start(j), statusOf: (id) => this.status(id) });
 */
export async function submitOnce<J extends TrackedBase>(
  jobs: Map<string, J>,
  spec: JobSpec,
  listener: JobListener | undefined,
  ops: { track(spec: JobSpec): J; start(job: J): Promise<JobStatus>; statusOf(job: J): JobStatus | Promise<JobStatus> },
): Promise<JobStatus> {
  const known = jobs.get(spec.jobId);
  if (known) {
    if (listener) known.listeners.add(listener);
    await known.submitted;
    return ops.statusOf(known);
  }
  const job = ops.track(spec);
  if (listener) job.listeners.add(listener);
  job.submitted = ops.start(job);
  job.submitted.catch((err: Error) => {
    jobs.delete(spec.jobId);
    job.done.reject(err);
  });
  return job.submitted;
}

/**
 * Waits for the job's end; a listener added after the final read gets a catch-up read
 * through `catchUp` (the dispatcher's own serialized tail poll).
 * @example return awaitEnd(job, listener, (l) => serialize(job, () => job.tail.poll([l], true)));
 */
export async function awaitEnd<J extends TrackedBase>(job: J, listener: JobListener | undefined, catchUp: (listener: JobListener) => Promise<unknown>): Promise<JobStatus> {
  if (listener) job.listeners.add(listener);
  const status = await job.done.promise;
  if (listener && !job.notified.has(listener)) {
    job.notified.add(listener);
    await catchUp(listener);
  }
  return status;
}

/**
 * The status of a job known only from its job directory's files (pid, exit, killed), for a
 * job this process does not track.
 * @example statusFromFiles('r.s.1', 'exited', { exitCode: 0 }) // { jobId: 'r.s.1', phase: 'exited', exitCode: 0 }
 */
export function statusFromFiles(
  jobId: string,
  phase: JobPhase,
  files: { pid?: { pid: number }; exitCode?: number; killedBy?: 'timeout' | 'cancel' },
): JobStatus {
  const status: JobStatus = { jobId, phase };
  if (files.pid) status.pid = files.pid.pid;
  if (phase === 'exited' || phase === 'lost') status.exitCode = files.exitCode ?? null;
  if (files.killedBy) status.killedBy = files.killedBy;
  return status;
}
