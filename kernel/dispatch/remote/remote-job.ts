/** In-memory bookkeeping for one job of a RemoteDispatcher (the local TrackedJob plus its remote side). */
import { jobPaths } from '../local/job-dir';
import { trackJob, type TrackedJob } from '../local/tracked-job';
import type { JobSpec, JobStatus } from '../types';
import type { RemoteJobLayout } from './layout';
import { ConnectionLostError } from './shell';

export interface RemoteJob extends TrackedJob {
  /** Known once the job directory exists on the target. */
  layout?: RemoteJobLayout;
  /** The spec as it runs remotely (rewritten paths). */
  remote?: JobSpec;
  nativeId?: string;
  /** When this process last sent the start (a start that is never claimed is fenced after a while). */
  launchedAt?: number;
  /** Consecutive failed polls that were not a dropped connection. */
  errors: number;
  /** A warning about the connection was given and not yet followed by "reconnected". */
  disconnected: boolean;
}

/** @example trackRemote(spec, '$SGR_HOME/jobs/gpu1').paths.dir // '$SGR_HOME/jobs/gpu1/<jobId>' */
export function trackRemote(spec: JobSpec, mirrorRoot: string): RemoteJob {
  return { ...trackJob(spec, jobPaths(mirrorRoot, spec.jobId)), errors: 0, disconnected: false };
}

/**
 * Retries an operation that is safe to repeat while it fails with ConnectionLostError
 * (the shell waits out its reconnect backoff between tries).
 * @example await retryLost(() => launcher.launch(shell, job), 5)
 */
export async function retryLost<T>(fn: () => Promise<T>, tries: number): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ConnectionLostError) || i >= tries) throw err;
    }
  }
}

/** A status with the native id attached. */
export function withNative(status: JobStatus, job: RemoteJob): JobStatus {
  return job.nativeId ? { ...status, nativeId: job.nativeId } : status;
}
