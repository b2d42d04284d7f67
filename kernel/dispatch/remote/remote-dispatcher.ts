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
import { isSafeJobId, jobPaths, validateSpec } from '../local/job-dir';
import { readLogPage } from '../local/read-log';
import { isTerminal, serialize, statusOf } from '../local/tracked-job';
import { awaitEnd, statusFromFiles, submitOnce } from '../job-table';
import type { Dispatcher, JobListener, JobLogStream, JobResult, JobSpec, JobStatus } from '../types';
import { collectRemote } from './collect';
import { remoteLayout } from './layout';
import type { LaunchedJob, RemoteLauncher } from './launcher';
import { prepareJob, readRemoteSpec, resolveRoot } from './prepare';
import { retryLost, trackRemote, withNative, type RemoteJob } from './remote-job';
import type { RemoteShell } from './shell';
import { readStates, remotePhase } from './state';
import { RemoteFollower } from './follow';

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

/**
 * @example
 * const d = new RemoteDispatcher({ kind: 'ssh', name: 'gpu1', shell, launcher: new SetsidLauncher(),
 *   root: '~/.sgr-remote', mirrorRoot: `${home}/jobs/gpu1` });
 * await d.submit(spec); const status = await d.wait(spec.jobId); const result = await d.collect(spec.jobId);
 */
export class RemoteDispatcher implements Dispatcher {
  readonly kind: string;
  private readonly jobs = new Map<string, RemoteJob>();
  private readonly follow: RemoteFollower;
  private rootP: Promise<string> | undefined;
  private closed = false;
  private readonly graceMs: number;
  private readonly tries: number;

  constructor(private readonly o: RemoteDispatcherOptions) {
    this.kind = o.kind;
    this.graceMs = o.graceMs ?? 5000;
    this.tries = o.tries ?? 8;
    this.follow = new RemoteFollower(o.shell, o.launcher, o.kind, o.pollMs ?? 500, o.claimWaitMs ?? 15_000);
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
    return submitOnce(this.jobs, spec, listener, { track: (s) => this.track(s), start: (j) => this.start(j), statusOf: (j) => this.status(j.spec.jobId) });
  }

  async status(jobId: string): Promise<JobStatus> {
    const job = this.jobs.get(jobId);
    if (job) return withNative(job.finishing ? await job.finishing : statusOf(job), job);
    if (!isSafeJobId(jobId)) return { jobId, phase: 'unknown' };
    const layout = remoteLayout(await this.root(), { jobId, runId: '', stepId: '' });
    const state = (await readStates(this.o.shell, [layout.paths.dir])).get(layout.paths.dir);
    if (!state?.exists) return { jobId, phase: 'unknown' };
    return statusFromFiles(jobId, remotePhase(state), state);
  }

  async wait(jobId: string, listener?: JobListener): Promise<JobStatus> {
    const job = this.jobs.get(jobId) ?? (await this.adopt(jobId));
    return awaitEnd(job, listener, (l) => serialize(job, () => job.tail.poll([l], true)));
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
    this.follow.stop();
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
    let state = await retryLost(() => this.follow.readOne(job), this.tries);
    if (!state.exists) throw new Error(`job ${job.spec.jobId}: ${job.layout!.paths.dir} disappeared from ${this.o.shell.describe}`);
    if (!state.claimed && !this.closed) {
      // Safe even if an earlier kernel already sent it: the wrapper's claim runs a job once.
      job.launchedAt = Date.now();
      const native = await retryLost(() => this.o.launcher.launch(this.o.shell, this.follow.launched(job)), this.tries);
      if (native) job.nativeId = native;
      state = await retryLost(() => this.follow.readOne(job), this.tries);
    }
    if (state.pid) this.follow.sawPid(job, state);
    if (job.pendingKill) await this.signal(job.spec.jobId, job.pendingKill, this.graceMs);
    this.follow.watch(job);
    await serialize(job, () => this.follow.step(job, state)).catch((err: Error) => this.follow.trouble(job, err));
    return withNative(job.finishing ? await job.finishing : statusOf(job), job);
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
    const launched: LaunchedJob = job ? this.follow.launched(job) : { spec, layout: remoteLayout(await this.root(), spec) };
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
