/**
 * Follows a running job container: hands new logs/events to listeners every `pollMs`,
 * keeps the log mirror following, and waits for the container to exit — across dockerd
 * restarts, by retrying with backoff until `reconnectMs` of continuous outage. A container
 * that died of a signal nobody in SGR sent (docker stop, a dockerd restart without
 * live-restore) is `lost`, not failed: the job did nothing wrong and the kernel retries it.
 */
import type Docker from 'dockerode';
import type { JobStatus } from '../types';
import { readKilledFile } from '../local/job-dir';
import { httpStatus, sleep } from './connect';
import { inOrder, isEnded, warnJob, type DockerJob } from './docker-job';
import type { EndState } from './job-files';
import { LogMirror } from './log-mirror';

export type OnEnd = (job: DockerJob, end: EndState, why?: string) => Promise<JobStatus>;

/** How often a running container is inspected besides the wait request. */
const WATCHDOG_MS = 1000;

const LOST: EndState = { phase: 'lost', exitCode: null, oomKilled: false };

export class JobWatch {
  constructor(
    private readonly docker: Docker,
    private readonly pollMs: number,
    private readonly reconnectMs: number,
    private readonly isClosed: () => boolean,
    private readonly onEnd: OnEnd,
  ) {}

  /** Starts live delivery and the exit watch of a job whose container runs. */
  follow(job: DockerJob): void {
    job.poller = setInterval(() => {
      inOrder(job, () => job.tail.poll(job.listeners, false)).catch((err: Error) => warnJob(job, `reading logs: ${err.message}`));
    }, this.pollMs);
    void this.followLogs(job);
    void this.waitExit(job);
  }

  stop(job: DockerJob): void {
    clearInterval(job.poller);
    job.poller = undefined;
    job.watching?.abort();
  }

  /** The container has exited: mirror its complete log, then record the end. */
  async ended(job: DockerJob, info: Docker.ContainerInspectInfo): Promise<JobStatus> {
    job.mirror ??= new LogMirror(this.docker, job.container!, job.paths, (m) => warnJob(job, m));
    try {
      await job.mirror.finish();
    } catch (err) {
      warnJob(job, `logs may be incomplete: ${(err as Error).message}`);
    }
    const exitCode = info.State.ExitCode;
    const oomKilled = info.State.OOMKilled === true;
    // A cancel by an earlier kernel process is only on disk.
    job.killedBy ??= await readKilledFile(job.paths);
    if (exitCode !== 0 && !oomKilled && !job.killedBy && !job.preempting) {
      const outside = await this.stoppedFromOutside(info).catch(() => exitCode > 128);
      if (outside) {
        return this.onEnd(job, LOST, `its container was stopped from outside SGR (exit ${exitCode}: docker stop/kill, or a dockerd restart without --live-restore)`);
      }
    }
    return this.onEnd(job, { phase: 'exited', exitCode, oomKilled });
  }

  /**
   * Did the engine signal the container without us? A dockerd shutting down without
   * live-restore stops its containers exactly like `docker stop`: a `kill` event. An error
   * (the daemon is going away right now) is answered by the caller.
   */
  private async stoppedFromOutside(info: Docker.ContainerInspectInfo): Promise<boolean> {
    const since = Math.floor(Date.parse(info.State.StartedAt) / 1000) - 1;
    const stream = (await this.docker.getEvents({
      since,
      // Fractional "now": the event stream ends at once instead of waiting for the next second.
      until: (Date.now() / 1000).toFixed(3) as unknown as number,
      filters: { type: ['container'], container: [info.Id], event: ['kill'] },
    })) as unknown as NodeJS.ReadableStream;
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    return text.trim().length > 0;
  }

  private async followLogs(job: DockerJob): Promise<void> {
    while (!isEnded(job) && !this.isClosed()) {
      try {
        await job.mirror!.follow();
      } catch {
        // The daemon is away; waitExit tells the listeners. Try again shortly.
      }
      if (isEnded(job) || this.isClosed()) return;
      await sleep(500);
    }
  }

  /**
   * Resolves when the container may have stopped. The wait request is the fast path, but a
   * daemon restart can leave it hanging forever (the connection dies mid-body and
   * docker-modem never settles), so an inspect every WATCHDOG_MS backs it up and turns an
   * unreachable daemon into an error.
   */
  private async exitOrPoll(container: Docker.Container, stopped: AbortSignal): Promise<void> {
    const abort = new AbortController();
    // Closing the dispatcher must not leave a request open (it would keep the process alive).
    const onStop = (): void => abort.abort();
    stopped.addEventListener('abort', onStop);
    const aborted = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve()));
    // 'not-running' (not the default 'next-exit' nor a wait before start): the container
    // was started before this call, and an already-exited one must answer at once.
    const waited = container.wait({ condition: 'not-running', abortSignal: abort.signal });
    waited.catch(() => undefined);
    const watchdog = (async () => {
      while (!abort.signal.aborted) {
        await sleep(WATCHDOG_MS);
        if (abort.signal.aborted) return;
        const info = await container.inspect();
        if (!info.State.Running) return;
      }
    })();
    watchdog.catch(() => undefined);
    try {
      await Promise.race([waited, watchdog, aborted]);
    } finally {
      abort.abort();
      stopped.removeEventListener('abort', onStop);
    }
  }

  private async waitExit(job: DockerJob): Promise<void> {
    const container = job.container!;
    job.watching = new AbortController();
    const stopped = job.watching.signal;
    let outageSince: number | undefined;
    let delay = 100;
    while (!isEnded(job) && !this.isClosed()) {
      try {
        await this.exitOrPoll(container, stopped);
        if (stopped.aborted) return;
        const info = await container.inspect();
        // A closed dispatcher's wait still answers: the job belongs to the next dispatcher now.
        if (isEnded(job) || this.isClosed()) return;
        if (outageSince !== undefined) warnJob(job, `docker daemon of this target is back after ${Date.now() - outageSince} ms`);
        outageSince = undefined;
        delay = 100;
        if (info.State.Running || info.State.Status === 'created') {
          // The wait ended without an exit: the daemon restarted (live-restore) — wait again.
          await sleep(this.pollMs);
          continue;
        }
        await this.ended(job, info);
        return;
      } catch (err) {
        if (isEnded(job) || this.isClosed()) return;
        if (httpStatus(err) === 404) {
          await job.mirror?.close();
          await this.onEnd(job, LOST, 'its container disappeared (removed outside SGR)');
          return;
        }
        if (outageSince === undefined) {
          outageSince = Date.now();
          warnJob(job, `docker daemon unreachable (${(err as Error).message}); retrying`);
        }
        if (Date.now() - outageSince > this.reconnectMs) {
          await job.mirror?.close();
          await this.onEnd(job, LOST, `docker daemon unreachable for ${Math.round(this.reconnectMs / 1000)} s`);
          return;
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 2000);
      }
    }
  }
}
