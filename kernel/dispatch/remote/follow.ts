/**
 * Follows the running jobs of a RemoteDispatcher: one batched state read per tick for all
 * of them, the mirror appended from its last byte, listeners told, and the single place
 * where a remote job becomes terminal (`finish`).
 */
import { serialize, statusOf, warn } from '../local/tracked-job';
import { shellQuote } from '../local/job-dir';
import type { JobPhase, JobStatus } from '../types';
import type { LaunchedJob, RemoteLauncher } from './launcher';
import { pullLogs, writeTerminalFiles } from './mirror';
import { withNative, type RemoteJob } from './remote-job';
import { ConnectionLostError, type RemoteShell } from './shell';
import { readStates, type RemoteState } from './state';

/** Polls in a row that failed for another reason than a dropped connection before wait() rejects. */
const MAX_ERRORS = 20;

/**
 * @example
 * const follow = new RemoteFollower(shell, launcher, 'ssh', 500, 15000);
 * follow.watch(job); await job.done.promise;
 */
export class RemoteFollower {
  private readonly watching = new Set<RemoteJob>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private stopped = false;

  constructor(
    private readonly shell: RemoteShell,
    private readonly launcher: RemoteLauncher,
    private readonly kind: string,
    private readonly pollMs: number,
    private readonly claimWaitMs: number,
  ) {}

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.watching.clear();
  }

  /** What a launcher gets for a job. */
  launched(job: RemoteJob): LaunchedJob {
    return { spec: job.remote ?? job.spec, layout: job.layout! };
  }

  /** Records the pid a state shows (the job is running from then on). */
  sawPid(job: RemoteJob, state: RemoteState): void {
    job.pid = state.pid!.pid;
    job.nativeId ??= String(job.pid);
    if (job.phase === 'queued') job.phase = 'running';
  }

  /** The state of one job directory. */
  async readOne(job: RemoteJob): Promise<RemoteState> {
    const dir = job.layout!.paths.dir;
    const state = (await readStates(this.shell, [dir])).get(dir);
    if (!state) throw new Error(`job ${job.spec.jobId}: no state for ${dir} from ${this.shell.describe}`);
    return state;
  }

  /** Polls the job until it is terminal (batched with the other watched jobs). */
  watch(job: RemoteJob): void {
    if (job.finishing || this.stopped) return;
    this.watching.add(job);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.stopped || this.watching.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick().finally(() => this.schedule());
    }, this.pollMs);
  }

  /** One batched look at every watched job. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const jobs = [...this.watching].filter((j) => j.layout && !j.finishing);
      if (jobs.length === 0) return;
      let states: Map<string, RemoteState>;
      try {
        states = await readStates(this.shell, jobs.map((j) => j.layout!.paths.dir));
      } catch (err) {
        for (const job of jobs) this.trouble(job, err as Error);
        return;
      }
      await Promise.all(
        jobs.map((job) => {
          const state = states.get(job.layout!.paths.dir);
          if (!state) return undefined;
          return serialize(job, () => this.step(job, state)).catch((err: Error) => this.trouble(job, err));
        }),
      );
    } finally {
      this.ticking = false;
    }
  }

  /** Mirror what is new, tell the listeners, and finish the job once it ended and the mirror caught up. */
  async step(job: RemoteJob, state: RemoteState): Promise<void> {
    if (job.finishing) return;
    if (job.disconnected) {
      job.disconnected = false;
      warn(job, `reconnected to ${this.shell.describe}; following the job again`);
    }
    job.errors = 0;
    if (!state.exists) {
      warn(job, `${job.layout!.paths.dir} vanished from ${this.shell.describe}`);
      await this.finish(job, 'lost', state);
      return;
    }
    if (state.pid) this.sawPid(job, state);
    const caughtUp = await pullLogs(this.shell, job.layout!, job.paths, state);
    if (job.listeners.size > 0) await job.tail.poll(job.listeners, false);
    if (!caughtUp) return;
    const phase = await this.phase(job, state);
    if (phase.phase === 'exited' || phase.phase === 'lost') await this.finish(job, phase.phase, phase.state);
  }

  /** The phase, asking the launcher whether an unfinished job still runs. */
  private async phase(job: RemoteJob, state: RemoteState): Promise<{ phase: JobPhase; state: RemoteState }> {
    if (state.exitCode !== undefined) return { phase: 'exited', state };
    const launched = this.launched(job);
    if (await this.launcher.isAlive(this.shell, launched, state)) return { phase: state.claimed && state.pid ? 'running' : 'queued', state };
    // Not running: the wrapper may have written `exit` just now — look once more.
    const again = await this.readOne(job);
    if (again.exitCode !== undefined) return { phase: 'exited', state: again };
    if (!again.claimed) {
      if (Date.now() - (job.launchedAt ?? 0) < this.claimWaitMs) return { phase: 'queued', state: again };
      // Fence, like the local dispatcher: with `claim` taken, a late start can no longer run it.
      const claim = shellQuote(job.layout!.paths.claim);
      const fenced = await this.shell.exec(`set -C; printf 'fenced by the ${this.kind} dispatcher\\n' >${claim}`);
      if (fenced.code !== 0) return { phase: 'queued', state: again };
      warn(job, `the job never started on ${this.shell.describe} (no claim after ${this.claimWaitMs} ms); fenced and reported lost`);
    }
    return { phase: again.killedBy ? 'exited' : 'lost', state: again };
  }

  /** The one terminal transition: local files, final read for the listeners, resolve `done`. */
  private async finish(job: RemoteJob, phase: 'exited' | 'lost', state: RemoteState): Promise<JobStatus> {
    if (job.finishing) return job.finishing;
    // The files of an ended job no longer grow: mirror the rest (a state read after the
    // last pull may show more than the mirror has).
    while (!(await pullLogs(this.shell, job.layout!, job.paths, state)));
    await writeTerminalFiles(job.paths, state);
    for (const l of job.listeners) job.notified.add(l);
    await (job.listeners.size > 0 ? job.tail.poll(job.listeners, true) : job.tail.close());
    job.phase = phase;
    job.exitCode = state.exitCode ?? null;
    if (state.killedBy) job.killedBy = state.killedBy;
    this.watching.delete(job);
    const status = withNative(statusOf(job), job);
    job.finishing = Promise.resolve(status);
    job.done.resolve(status);
    return status;
  }

  /** A failed poll: a dropped connection is only reported (once); anything else, repeated, fails the wait. */
  trouble(job: RemoteJob, err: Error): void {
    if (job.finishing) return;
    if (err instanceof ConnectionLostError) {
      if (!job.disconnected) warn(job, `${err.message} — the job keeps running on the target; reconnecting`);
      job.disconnected = true;
      return;
    }
    job.errors++;
    warn(job, err.message);
    if (job.errors >= MAX_ERRORS) {
      this.watching.delete(job);
      job.done.reject(new Error(`job ${job.spec.jobId}: following it on ${this.shell.describe} failed ${MAX_ERRORS} times in a row: ${err.message}`));
    }
  }
}
