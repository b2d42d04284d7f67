/**
 * The local dispatcher (D1–D2): runs jobs as processes of this machine through one
 * long-lived bash launcher, and keeps each job's durable state in `<root>/<jobId>/`
 * so that a kernel restarted after SIGKILL re-attaches to its jobs instead of running
 * them twice. File formats: job-dir.ts; the wrapper: launcher-script.ts.
 */
import { mkdir, rm } from 'node:fs/promises';
import { awaitEnd, statusFromFiles, submitOnce } from '../job-table';
import type { Dispatcher, JobListener, JobLogStream, JobResult, JobSpec, JobStatus } from '../types';
import { collectResult } from './collect';
import { exists, phaseOf, probeJobDir } from './disk-state';
import { claimOnce, isSafeJobId, jobPaths, readSpecFile, validateSpec, writeJobFiles, writeKilledFile, type JobPaths } from './job-dir';
import { Launcher, type LauncherLine } from './launcher';
import { GroupKiller } from './process-probe';
import { readLogPage } from './read-log';
import { JobMonitor } from './job-monitor';
import { armTimeout, awaitPid } from './timing';
import { deferred, isTerminal, serialize, statusOf, trackJob, warn, type TrackedJob } from './tracked-job';

export interface LocalDispatcherOptions {
  /** `$SGR_HOME/jobs`: one directory per job id. */
  root: string;
  /** Time between SIGTERM and SIGKILL of a killed job's process group (default 5000 ms). */
  graceMs?: number;
  /** How often logs, events and liveness are polled (default 100 ms). */
  pollMs?: number;
  /** The bash to run the launcher with (default `bash` from PATH). */
  bashPath?: string;
}

/** Finished jobs kept in memory; older ones are answered from their job directory. */
const KEEP_FINISHED = 1000;

/**
 * @example
 * const d = new LocalDispatcher({ root: `${sgrHome}/jobs` });
 * await d.submit({ jobId: 'r1.train.1', runId: 'r1', stepId: 'train', attempt: 1,
 *   argv: ['/bin/sh', '-c', 'python train.py'], env: {}, cwd: '/work/r1/train', timeoutMs: 0, outputs: {} });
 * const { exitCode } = await d.wait('r1.train.1', { onLog: (s, chunk) => process.stdout.write(chunk) });
 */
export class LocalDispatcher implements Dispatcher {
  readonly kind = 'local';
  private readonly root: string;
  private readonly pollMs: number;
  private readonly launcher: Launcher;
  private readonly jobs = new Map<string, TrackedJob>();
  private readonly byDir = new Map<string, TrackedJob>();
  private readonly monitor: JobMonitor;
  private readonly finished: string[] = [];
  private readonly killer: GroupKiller;
  /** One per preemption (each has its own grace); cleared on close like the cancel killer. */
  private readonly preemptKillers = new Set<GroupKiller>();
  private rootReady: Promise<unknown> | undefined;
  private closed = false;

  constructor(options: LocalDispatcherOptions) {
    this.root = options.root;
    this.killer = new GroupKiller(options.graceMs ?? 5000);
    this.pollMs = options.pollMs ?? 100;
    this.launcher = new Launcher(
      options.bashPath ?? 'bash',
      (line) => this.onLauncherLine(line),
      () => this.onLauncherExit(),
    );
    this.monitor = new JobMonitor(this.pollMs, (job) => this.forgetOldJobs(job));
  }

  async submit(spec: JobSpec, listener?: JobListener): Promise<JobStatus> {
    if (this.closed) throw new Error(`job ${spec.jobId}: submit after the dispatcher was closed`);
    validateSpec(spec);
    return submitOnce(this.jobs, spec, listener, { track: (s) => this.track(s), start: (j) => this.start(j), statusOf: (j) => this.status(j.spec.jobId) });
  }

  async status(jobId: string): Promise<JobStatus> {
    const job = this.jobs.get(jobId);
    if (job) {
      if (job.phase === 'running' && !job.finishing) await this.monitor.check(job);
      return job.finishing ?? statusOf(job);
    }
    const paths = this.pathsOf(jobId);
    if (!paths) return { jobId, phase: 'unknown' };
    const state = await probeJobDir(paths);
    return statusFromFiles(jobId, phaseOf(state), state);
  }

  async wait(jobId: string, listener?: JobListener): Promise<JobStatus> {
    const job = this.jobs.get(jobId) ?? (await this.adopt(jobId));
    return awaitEnd(job, listener, (l) => serialize(job, () => job.tail.poll([l], true)));
  }

  async readLog(jobId: string, stream: JobLogStream, offset: number, maxBytes: number): Promise<{ data: string; next: number }> {
    const paths = this.pathsOf(jobId);
    if (!paths || !(await exists(paths.dir))) throw unknownJob(jobId, paths);
    return readLogPage(paths[stream], offset, maxBytes);
  }

  async cancel(jobId: string, reason: 'timeout' | 'cancel'): Promise<void> {
    const job = this.jobs.get(jobId);
    const paths = job?.paths ?? this.pathsOf(jobId);
    if (!paths || !(await exists(paths.dir))) throw unknownJob(jobId, paths);
    if (job && (isTerminal(job.phase) || job.finishing)) return;
    const state = await probeJobDir(paths);
    if (state.exitCode !== undefined || (state.pid && !state.alive)) return;
    // Written before signalling, so whoever looks next knows the death was ours.
    await writeKilledFile(paths, reason);
    const pid = job?.pid ?? state.pid?.pid;
    if (pid === undefined) {
      // Not started: the wrapper checks `killed` before starting; `S` re-sends the signal
      // in case it checked just before we wrote the file.
      if (job) job.pendingKill = reason;
      return;
    }
    this.killer.kill(pid, (message) => job && warn(job, message));
  }

  /**
   * Preemption (D6): SIGTERM to the job's process group now, SIGKILL after `graceMs`. No
   * `killed` file is written — this is not a cancel: the worker SDK checkpoints and exits
   * 75, and the scheduler that asked files the attempt as preempted whatever the exit.
   * @example await d.preempt('r1.train.1', 10_000)
   */
  async preempt(jobId: string, graceMs: number): Promise<void> {
    const job = this.jobs.get(jobId);
    const paths = job?.paths ?? this.pathsOf(jobId);
    if (!paths || !(await exists(paths.dir))) throw unknownJob(jobId, paths);
    if (job) await job.submitted;
    if (job && (isTerminal(job.phase) || job.finishing)) return;
    const state = await probeJobDir(paths);
    if (state.exitCode !== undefined || (state.pid && !state.alive)) return;
    const pid = job?.pid ?? state.pid?.pid;
    if (pid === undefined) throw new Error(`job ${jobId}: not started yet; cannot preempt it`);
    const killer = new GroupKiller(graceMs);
    this.preemptKillers.add(killer);
    killer.kill(pid, (message) => job && warn(job, message));
  }

  async collect(jobId: string): Promise<JobResult> {
    const status = await this.status(jobId);
    const paths = this.pathsOf(jobId);
    if (!paths || status.phase === 'unknown') throw unknownJob(jobId, paths);
    if (!isTerminal(status.phase)) throw new Error(`job ${jobId}: cannot collect while ${status.phase}; wait() for it first`);
    const spec = this.jobs.get(jobId)?.spec ?? (await readSpecFile(paths, jobId));
    return collectResult(spec, paths, status);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.launcher.close();
    this.monitor.stop();
    this.killer.clear();
    for (const k of this.preemptKillers) k.clear();
    const why = (id: string) =>
      new Error(`job ${id}: the dispatcher was closed; the job keeps running and a new dispatcher re-attaches to it`);
    for (const job of this.jobs.values()) {
      job.timeout?.clear();
      if (isTerminal(job.phase)) continue;
      job.launch?.reject(why(job.spec.jobId));
      job.done.reject(why(job.spec.jobId));
      await job.tail.close();
    }
  }

  private track(spec: JobSpec): TrackedJob {
    const job = trackJob(spec, jobPaths(this.root, spec.jobId));
    this.jobs.set(spec.jobId, job);
    this.byDir.set(job.paths.dir, job);
    return job;
  }

  private pathsOf(jobId: string): JobPaths | undefined {
    // The id names a directory: never let '..' or '/' take a lookup outside the root.
    return isSafeJobId(jobId) ? jobPaths(this.root, jobId) : undefined;
  }

  /** A new job: write its directory and hand it to the launcher. */
  private async start(job: TrackedJob): Promise<JobStatus> {
    this.rootReady ??= mkdir(this.root, { recursive: true });
    await this.rootReady;
    try {
      await writeJobFiles(job.spec, job.paths);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return this.attach(job);
      throw new Error(`job ${job.spec.jobId}: cannot create ${job.paths.dir}: ${(err as Error).message}`);
    }
    job.launch = deferred();
    try {
      await this.launcher.send(job.paths.dir);
    } catch (err) {
      // The line never left this process, so nobody can own the directory: remove it, and
      // a retry under the same id (after installing bash, say) starts cleanly.
      await rm(job.paths.dir, { recursive: true, force: true });
      throw new Error(`job ${job.spec.jobId}: ${(err as Error).message}`);
    }
    const answer = await job.launch.promise;
    job.launch = undefined;
    // D: another launcher (an earlier kernel's) claimed it first; follow it like after a crash.
    if (answer === 'resend-failed' || answer.kind !== 'S') return this.attach(job);
    return this.running(job);
  }

  /** A job that exists on disk, maybe started by an earlier kernel process. */
  private async attach(job: TrackedJob): Promise<JobStatus> {
    let state = await awaitPid(job.paths);
    if (!state.exists) throw new Error(`job ${job.spec.jobId}: ${job.paths.dir} disappeared`);
    if (!state.claimed) {
      // Fence: with `claim` taken, a launcher line still in flight from the dead kernel
      // can no longer start this job id. The kernel retries under a new attempt id.
      if (await claimOnce(job.paths.claim)) return this.monitor.finish(job, state.killedBy ? 'exited' : 'lost', null);
      state = await awaitPid(job.paths); // a wrapper claimed it in between: follow that one
    }
    const phase = phaseOf(state);
    if (phase === 'running' && state.pid) {
      job.pid = state.pid.pid;
      job.startTime = state.pid.startTime;
      job.phase = 'running';
      return this.running(job);
    }
    // `queued` here means claimed, but no pid appeared in time: the wrapper died early — or
    // is only very late. `killed` fences the late case: the wrapper checks it before it
    // starts the job, so the kernel's retry under a new attempt id can never run beside it.
    if (!state.pid && phase !== 'exited' && !state.killedBy) await writeKilledFile(job.paths, 'cancel');
    return this.monitor.finish(job, phase === 'exited' || state.killedBy ? 'exited' : 'lost', state.exitCode ?? null);
  }

  private async running(job: TrackedJob): Promise<JobStatus> {
    if (job.finishing) return job.finishing;
    this.monitor.watch(job);
    if (job.pendingKill) await this.cancel(job.spec.jobId, job.pendingKill);
    if (job.spec.timeoutMs > 0) {
      job.timeout = await armTimeout(job.paths, job.spec.timeoutMs, () => {
        this.cancel(job.spec.jobId, 'timeout').catch((err: Error) => warn(job, `timeout kill failed: ${err.message}`));
      });
      if (job.finishing || this.closed) job.timeout?.clear();
    }
    return statusOf(job);
  }

  private onLauncherLine(line: LauncherLine): void {
    const job = this.byDir.get(line.dir);
    if (!job) return;
    if (line.kind === 'S' && job.launch) {
      job.pid = line.pid;
      job.phase = 'running';
    }
    if (line.kind === 'E') void this.monitor.finish(job, 'exited', line.code);
    else job.launch?.resolve(line);
  }

  /** Lines the dead launcher never read are re-sent once; the claim makes that safe. */
  private onLauncherExit(): void {
    const pending = [...this.jobs.values()].filter((job) => job.launch);
    setTimeout(() => {
      for (const job of pending) {
        const launch = job.launch;
        if (!launch || this.closed) continue;
        if (job.resent) {
          launch.resolve('resend-failed');
          continue;
        }
        job.resent = true;
        this.launcher.send(job.paths.dir).catch(() => launch.resolve('resend-failed'));
      }
    }, this.pollMs);
  }

  private forgetOldJobs(job: TrackedJob): void {
    this.finished.push(job.spec.jobId);
    while (this.finished.length > KEEP_FINISHED) {
      const old = this.jobs.get(this.finished.shift()!);
      if (!old || !isTerminal(old.phase)) continue;
      this.jobs.delete(old.spec.jobId);
      this.byDir.delete(old.paths.dir);
    }
  }

  /** `wait` for a job this process has not seen: re-attach from its directory. */
  private async adopt(jobId: string): Promise<TrackedJob> {
    const paths = this.pathsOf(jobId);
    if (!paths || !(await exists(paths.dir))) throw unknownJob(jobId, paths);
    const spec = await readSpecFile(paths, jobId);
    const known = this.jobs.get(jobId); // another call may have adopted it meanwhile
    if (known) return known;
    const job = this.track(spec);
    job.submitted = this.attach(job);
    job.submitted.catch((err: Error) => job.done.reject(err));
    return job;
  }
}

function unknownJob(jobId: string, paths: JobPaths | undefined): Error {
  return new Error(`job ${jobId}: unknown to the local dispatcher (no directory ${paths?.dir ?? '(invalid id)'})`);
}
