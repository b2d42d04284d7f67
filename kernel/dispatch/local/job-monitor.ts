/**
 * Follows running jobs: one timer polls every watched job for new output and for an end
 * that no `E` line announced (a job re-attached after a restart, or a wrapper killed by
 * SIGKILL), and `finish` is the single place where a job becomes terminal.
 */
import type { JobStatus } from '../types';
import { readExitFile, readKilledFile, readPidFile } from './job-dir';
import { isJobProcessAlive } from './process-probe';
import { serialize, statusOf, warn, type TrackedJob } from './tracked-job';

/**
 * @example
 * const monitor = new JobMonitor(100, (job) => forget(job));
 * monitor.watch(job); await job.done.promise;
 */
export class JobMonitor {
  private readonly watching = new Set<TrackedJob>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pollMs: number,
    private readonly onFinished: (job: TrackedJob) => void,
  ) {}

  watch(job: TrackedJob): void {
    if (job.finishing) return;
    this.watching.add(job);
    this.timer ??= setInterval(() => this.poll(), this.pollMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.watching.clear();
  }

  /** One look at a running job, queued behind its other file operations. */
  check(job: TrackedJob): Promise<void> {
    return serialize(job, () => this.checkNow(job));
  }

  /** The one terminal transition: final read for the listeners, then resolve `done`. */
  finish(job: TrackedJob, phase: 'exited' | 'lost', exitCode: number | null): Promise<JobStatus> {
    if (job.finishing) return job.finishing;
    this.watching.delete(job);
    job.timeout?.clear();
    job.finishing = serialize(job, async () => {
      for (const l of job.listeners) job.notified.add(l);
      // Without listeners nothing is read, so a later wait(listener) still gets everything.
      const read = job.listeners.size > 0 ? job.tail.poll(job.listeners, true) : job.tail.close();
      await read.catch((err: Error) => warn(job, `final read failed: ${err.message}`));
      job.killedBy = await readKilledFile(job.paths);
      job.phase = phase;
      job.exitCode = exitCode;
      const status = statusOf(job);
      job.done.resolve(status);
      this.onFinished(job);
      return status;
    });
    return job.finishing;
  }

  private poll(): void {
    if (this.watching.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    for (const job of this.watching) {
      if (job.polling) continue; // the previous look is still reading: don't pile up
      job.polling = true;
      this.check(job)
        .catch((err: Error) => warn(job, err.message))
        .finally(() => (job.polling = false));
    }
  }

  private async checkNow(job: TrackedJob): Promise<void> {
    if (job.finishing || job.pid === undefined) return;
    if (job.listeners.size > 0) await job.tail.poll(job.listeners, false);
    // Launched jobs learn their pid from `S`; the start time (the pid's identity) is read once.
    job.startTime ??= (await readPidFile(job.paths))?.startTime;
    let exit = await readExitFile(job.paths);
    if (exit === undefined && !(await isJobProcessAlive(job.pid, job.startTime ?? '0'))) {
      // The wrapper writes `exit` and then dies: look again before believing it died early.
      exit = await readExitFile(job.paths);
      if (exit === undefined) {
        void this.finish(job, (await readKilledFile(job.paths)) ? 'exited' : 'lost', null);
        return;
      }
    }
    if (exit !== undefined) void this.finish(job, 'exited', exit);
  }
}
