/**
 * The remote job layer as a Dispatcher (D4, D5): jobs live in job directories on a target
 * reached through a RemoteShell, started by a RemoteLauncher (setsid for SSH, sbatch for
 * Slurm), followed by polling their files in one batched exec per tick, mirrored into
 * `$SGR_HOME/jobs/<target>/<jobId>/`, and collected with downloads checked by sha256.
 * A dropped connection never ends a job: polling warns once, the shell reconnects with
 * backoff, and the mirror continues from its last byte.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exists } from '../local/disk-state';
import { isSafeJobId, jobPaths, shellQuote, validateSpec } from '../local/job-dir';
import { readLogPage } from '../local/read-log';
import { isTerminal, serialize, statusOf, warn } from '../local/tracked-job';
import type { Dispatcher, JobListener, JobLogStream, JobPhase, JobResult, JobSpec, JobStatus } from '../types';
import { collectRemote } from './collect';
import { remoteLayout } from './layout';
import type { LaunchedJob, RemoteLauncher } from './launcher';
import { pullLogs, writeTerminalFiles } from './mirror';
import { prepareJob, readRemoteSpec, resolveRoot } from './prepare';
import { retryLost, trackRemote, withNative, type RemoteJob } from './remote-job';
import { ConnectionLostError, type RemoteShell } from './shell';
import { readStates, remotePhase, type RemoteState } from './state';

export interface RemoteDispatcherOptions {
  /** Dispatcher.kind: `ssh`, `slurm`. */
  kind: string;
  /** Target name, for messages. */
  name: string;
  shell: RemoteShell;
  launcher: RemoteLauncher;
  /** Job root on the target (`~` expands to the remote $HOME). */
  root: string;
  /** Local mirror root: DispatcherContext.jobsRoot. */
  mirrorRoot: string;
  /** Poll interval (default 500 ms). */
  pollMs?: number;
  /** TERM → KILL grace on cancel and timeout (default 5000 ms). */
  graceMs?: number;
  /** Tries of a start step over a dropped connection (default 8). */
  tries?: number;
  /** How long a launched job may stay unclaimed while the launcher says nothing runs (default 15 s). */
  claimWaitMs?: number;
}

/** Polls in a row that failed for another reason than a dropped connection before wait() rejects. */
const MAX_ERRORS = 20;

/**
 * @example
 * const d = new RemoteDispatcher({ kind: 'ssh', name: 'gpu1', shell, launcher: new SetsidLauncher(),
 *   root: '~/.sgr-remote', mirrorRoot: `${home}/jobs/gpu1` });
 * await d.submit(spec); const status = await d.wait(spec.jobId); const result = await d.collect(spec.jobId);
 */
export class RemoteDispatcher implements Dispatcher {
  readonly kind: string;
  private readonly jobs = new Map<string, RemoteJob>();
  private readonly watching = new Set<RemoteJob>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private rootP: Promise<string> | undefined;
  private closed = false;
  private readonly pollMs: number;
  private readonly graceMs: number;
  private readonly tries: number;
  private readonly claimWaitMs: number;

  constructor(private readonly o: RemoteDispatcherOptions) {
    this.kind = o.kind;
    this.pollMs = o.pollMs ?? 500;
    this.graceMs = o.graceMs ?? 5000;
    this.tries = o.tries ?? 8;
    this.claimWaitMs = o.claimWaitMs ?? 15_000;
  }

  /** The absolute job root on the target. */
  root(): Promise<string> {
    this.rootP ??= retryLost(() => resolveRoot(this.o.shell, this.o.root), this.tries);
    this.rootP.catch(() => (this.rootP = undefined));
    return this.rootP;
  }

  async submit(spec: JobSpec, listener?: JobListener): Promise<JobStatus> {
    if (this.closed) throw new Error(`job ${spec.jobId}: submit after the ${this.kind} dispatcher "${this.o.name}" was closed`);
    validateSpec(spec);
    const known = this.jobs.get(spec.jobId);
    if (known) {
      if (listener) known.listeners.add(listener);
      await known.submitted;
      return this.status(spec.jobId);
    }
    const job = this.track(spec);
    if (listener) job.listeners.add(listener);
    job.submitted = this.start(job);
    job.submitted.catch((err: Error) => {
      this.jobs.delete(spec.jobId);
      job.done.reject(err);
    });
    return job.submitted;
  }

  async status(jobId: string): Promise<JobStatus> {
    const job = this.jobs.get(jobId);
    if (job) return withNative(job.finishing ? await job.finishing : statusOf(job), job);
    if (!isSafeJobId(jobId)) return { jobId, phase: 'unknown' };
    const layout = remoteLayout(await this.root(), { jobId, runId: '', stepId: '' });
    const state = (await readStates(this.o.shell, [layout.paths.dir])).get(layout.paths.dir);
    if (!state?.exists) return { jobId, phase: 'unknown' };
    const status: JobStatus = { jobId, phase: remotePhase(state) };
    if (state.pid) status.pid = state.pid.pid;
    if (isTerminal(status.phase)) status.exitCode = state.exitCode ?? null;
    if (state.killedBy) status.killedBy = state.killedBy;
    return status;
  }

  async wait(jobId: string, listener?: JobListener): Promise<JobStatus> {
    const job = this.jobs.get(jobId) ?? (await this.adopt(jobId));
    if (listener) job.listeners.add(listener);
    const status = await job.done.promise;
    if (listener && !job.notified.has(listener)) {
      job.notified.add(listener);
      await serialize(job, () => job.tail.poll([listener], true));
    }
    return status;
  }

  async readLog(jobId: string, stream: JobLogStream, offset: number, maxBytes: number): Promise<{ data: string; next: number }> {
    const paths = isSafeJobId(jobId) ? jobPaths(this.o.mirrorRoot, jobId) : undefined;
    if (!paths || !(await exists(paths.dir))) throw this.unknown(jobId);
    return readLogPage(paths[stream], offset, maxBytes);
  }

  async cancel(jobId: string, reason: 'timeout' | 'cancel'): Promise<void> {
    await this.signal(jobId, reason, this.graceMs);
  }

  async preempt(jobId: string, graceMs: number): Promise<void> {
    await this.signal(jobId, undefined, graceMs);
  }

  async collect(jobId: string): Promise<JobResult> {
    const status = await this.status(jobId);
    if (status.phase === 'unknown') throw this.unknown(jobId);
    if (!isTerminal(status.phase)) throw new Error(`job ${jobId}: cannot collect while ${status.phase}; wait() for it first`);
    const job = this.jobs.get(jobId);
    const spec = job?.spec ?? (await this.localSpec(jobId));
    const layout = job?.layout ?? remoteLayout(await this.root(), spec);
    return retryLost(() => collectRemote(this.o.shell, spec, layout, jobPaths(this.o.mirrorRoot, jobId), status), this.tries);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.watching.clear();
    const why = (id: string) => new Error(`job ${id}: the ${this.kind} dispatcher "${this.o.name}" was closed; the job keeps running on the target and a new dispatcher re-attaches to it`);
    for (const job of this.jobs.values()) {
      if (isTerminal(job.phase)) continue;
      job.done.reject(why(job.spec.jobId));
      await job.tail.close();
    }
    await this.o.shell.close();
  }

  private track(spec: JobSpec): RemoteJob {
    const job = trackRemote(spec, this.o.mirrorRoot);
    this.jobs.set(spec.jobId, job);
    return job;
  }

  private launched(job: RemoteJob): LaunchedJob {
    return { spec: job.remote ?? job.spec, layout: job.layout! };
  }

  private async start(job: RemoteJob): Promise<JobStatus> {
    await mkdir(job.paths.dir, { recursive: true });
    await writeFile(job.paths.spec, `${JSON.stringify(job.spec, null, 2)}\n`);
    const root = await this.root();
    const prepared = await retryLost(() => prepareJob(this.o.shell, root, job.spec, { timeoutMs: job.spec.timeoutMs, graceMs: this.graceMs }, join(job.paths.dir, 'remote')), this.tries);
    job.layout = prepared.layout;
    job.remote = prepared.remote;
    return this.attach(job);
  }

  /** Follows a job directory that exists on the target; starts it if nobody claimed it yet. */
  private async attach(job: RemoteJob): Promise<JobStatus> {
    let state = await retryLost(() => this.readOne(job), this.tries);
    if (!state.exists) throw new Error(`job ${job.spec.jobId}: ${job.layout!.paths.dir} disappeared from ${this.o.shell.describe}`);
    if (!state.claimed && !this.closed) {
      // Safe even if an earlier kernel already sent it: the wrapper's claim runs a job once.
      job.launchedAt = Date.now();
      const native = await retryLost(() => this.o.launcher.launch(this.o.shell, this.launched(job)), this.tries);
      if (native) job.nativeId = native;
      state = await retryLost(() => this.readOne(job), this.tries);
    }
    if (state.pid) this.sawPid(job, state);
    if (job.pendingKill) await this.signal(job.spec.jobId, job.pendingKill, this.graceMs);
    this.watch(job);
    await serialize(job, () => this.step(job, state)).catch((err: Error) => this.trouble(job, err));
    return withNative(job.finishing ? await job.finishing : statusOf(job), job);
  }

  private sawPid(job: RemoteJob, state: RemoteState): void {
    job.pid = state.pid!.pid;
    job.nativeId ??= String(job.pid);
    if (job.phase === 'queued') job.phase = 'running';
  }

  private async readOne(job: RemoteJob): Promise<RemoteState> {
    const dir = job.layout!.paths.dir;
    const state = (await readStates(this.o.shell, [dir])).get(dir);
    if (!state) throw new Error(`job ${job.spec.jobId}: no state for ${dir} from ${this.o.shell.describe}`);
    return state;
  }

  private watch(job: RemoteJob): void {
    if (job.finishing || this.closed) return;
    this.watching.add(job);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed || this.watching.size === 0) return;
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
        states = await readStates(this.o.shell, jobs.map((j) => j.layout!.paths.dir));
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
  private async step(job: RemoteJob, state: RemoteState): Promise<void> {
    if (job.finishing) return;
    if (job.disconnected) {
      job.disconnected = false;
      warn(job, `reconnected to ${this.o.shell.describe}; following the job again`);
    }
    job.errors = 0;
    if (!state.exists) {
      warn(job, `${job.layout!.paths.dir} vanished from ${this.o.shell.describe}`);
      await this.finish(job, 'lost', state);
      return;
    }
    if (state.pid) this.sawPid(job, state);
    const caughtUp = await pullLogs(this.o.shell, job.layout!, job.paths, state);
    if (job.listeners.size > 0) await job.tail.poll(job.listeners, false);
    if (!caughtUp) return;
    const phase = await this.phase(job, state);
    if (phase.phase === 'exited' || phase.phase === 'lost') await this.finish(job, phase.phase, phase.state);
  }

  /** The phase, asking the launcher whether an unfinished job still runs. */
  private async phase(job: RemoteJob, state: RemoteState): Promise<{ phase: JobPhase; state: RemoteState }> {
    if (state.exitCode !== undefined) return { phase: 'exited', state };
    const launched = this.launched(job);
    if (await this.o.launcher.isAlive(this.o.shell, launched, state)) return { phase: state.claimed && state.pid ? 'running' : 'queued', state };
    // Not running: the wrapper may have written `exit` just now — look once more.
    const again = await this.readOne(job);
    if (again.exitCode !== undefined) {
      // Logs may have grown with the exit: the next tick mirrors them before finishing.
      return { phase: again.sizes.stdout === state.sizes.stdout && again.sizes.stderr === state.sizes.stderr && again.sizes.events === state.sizes.events ? 'exited' : 'running', state: again };
    }
    if (!again.claimed) {
      if (Date.now() - (job.launchedAt ?? 0) < this.claimWaitMs) return { phase: 'queued', state: again };
      // Fence, like the local dispatcher: with `claim` taken, a late start can no longer run it.
      const claim = shellQuote(job.layout!.paths.claim);
      const fenced = await this.o.shell.exec(`set -C; printf 'fenced by the ${this.kind} dispatcher\\n' >${claim}`);
      if (fenced.code !== 0) return { phase: 'queued', state: again };
      warn(job, `the job never started on ${this.o.shell.describe} (no claim after ${this.claimWaitMs} ms); fenced and reported lost`);
    }
    return { phase: again.killedBy ? 'exited' : 'lost', state: again };
  }

  /** The one terminal transition: local files, final read for the listeners, resolve `done`. */
  private async finish(job: RemoteJob, phase: 'exited' | 'lost', state: RemoteState): Promise<JobStatus> {
    if (job.finishing) return job.finishing;
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
  private trouble(job: RemoteJob, err: Error): void {
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
      job.done.reject(new Error(`job ${job.spec.jobId}: following it on ${this.o.shell.describe} failed ${MAX_ERRORS} times in a row: ${err.message}`));
    }
  }

  private async signal(jobId: string, reason: 'timeout' | 'cancel' | undefined, graceMs: number): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job && (isTerminal(job.phase) || job.finishing)) return;
    if (job && !job.layout) {
      // Still uploading: the kill is sent once the job directory exists.
      job.pendingKill = reason ?? 'cancel';
      return;
    }
    if (!job && !(await exists(jobPaths(this.o.mirrorRoot, jobId).dir))) throw this.unknown(jobId);
    const spec = job?.spec ?? (await this.localSpec(jobId));
    const launched: LaunchedJob = job ? this.launched(job) : { spec, layout: remoteLayout(await this.root(), spec) };
    await retryLost(() => this.o.launcher.signal(this.o.shell, launched, reason, graceMs), this.tries);
  }

  private async localSpec(jobId: string): Promise<JobSpec> {
    const path = jobPaths(this.o.mirrorRoot, jobId).spec;
    try {
      return JSON.parse(await readFile(path, 'utf8')) as JobSpec;
    } catch {
      throw this.unknown(jobId);
    }
  }

  /** `wait` for a job this process has not seen: re-attach from the local mirror's spec and the remote directory. */
  private async adopt(jobId: string): Promise<RemoteJob> {
    if (!isSafeJobId(jobId)) throw this.unknown(jobId);
    const spec = await this.localSpec(jobId);
    const known = this.jobs.get(jobId);
    if (known) return known;
    const job = this.track(spec);
    job.submitted = (async () => {
      job.layout = remoteLayout(await this.root(), spec);
      job.remote = await retryLost(() => readRemoteSpec(this.o.shell, job.layout!), this.tries);
      if (!job.remote) throw new Error(`job ${jobId}: no job directory ${job.layout.paths.dir} on ${this.o.shell.describe}`);
      return this.attach(job);
    })();
    job.submitted.catch((err: Error) => job.done.reject(err));
    return job;
  }

  private unknown(jobId: string): Error {
    return new Error(`job ${jobId}: unknown to the ${this.kind} dispatcher "${this.o.name}" (no local mirror under ${this.o.mirrorRoot})`);
  }
}
