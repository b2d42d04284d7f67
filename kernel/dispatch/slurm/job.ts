/** What the Slurm dispatcher keeps in memory per job (everything durable is in the mirror). */
import type { JobPaths } from '../local/job-dir';
import type { JobListener, JobSpec, JobStatus } from '../types';
import type { RemoteTail } from './mirror';
import type { RemoteJobLayout } from '../remote/layout';

export interface SlurmJob {
  spec: JobSpec;
  layout: RemoteJobLayout;
  /** The local mirror (`<jobsRoot>/<jobId>/`). */
  local: JobPaths;
  slurmId?: string;
  phase: JobStatus['phase'];
  listeners: Set<JobListener>;
  tail?: RemoteTail;
  done: Promise<JobStatus>;
  resolve: (s: JobStatus) => void;
  reject: (e: Error) => void;
  final?: JobStatus;
  /** A poll is in flight (polls of one job never overlap). */
  busy: boolean;
  /** Polls in a row in which nobody knew the job. */
  misses: number;
  /** Polls in a row that failed. */
  errors: number;
  /** Current poll interval (doubles up to pollMs) and when the next poll is due. */
  interval: number;
  nextPollAt: number;
  timeout?: NodeJS.Timeout;
  graceTimer?: NodeJS.Timeout;
}

export function newJob(spec: JobSpec, layout: RemoteJobLayout, local: JobPaths): SlurmJob {
  let resolve!: (s: JobStatus) => void;
  let reject!: (e: Error) => void;
  const done = new Promise<JobStatus>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => undefined); // a close() with nobody waiting is not an unhandled rejection
  return { spec, layout, local, phase: 'queued', listeners: new Set(), done, resolve, reject, busy: false, misses: 0, errors: 0, interval: 0, nextPollAt: 0 };
}
