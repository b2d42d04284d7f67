/**
 * The Docker dispatcher (D3): one container per job on a Docker engine, sandboxed as
 * container-spec.ts describes. The container is named after the job id and labelled
 * with it, so submit is idempotent: a kernel restarted mid-job (or SIGKILLed between
 * creating the container and recording it) finds the container and re-attaches instead of
 * starting a second one. Logs are mirrored into `<jobsRoot>/<jobId>/` (log-mirror.ts),
 * protocol events arrive through the mounted `io/events.jsonl`, and the ended state is
 * written to the job dir before the container is removed, so status, readLog and collect
 * keep working afterwards. A dockerd restart is survived by reconnecting with backoff: with
 * `--live-restore` the job keeps running; without it the engine stops the container, and a
 * job stopped from outside SGR is reported `lost`, which the kernel retries (job-watch.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import { awaitEnd, submitOnce } from '../job-table';
import type { Dispatcher, JobListener, JobLogStream, JobResult, JobSpec, JobStatus, TargetProbe } from '../types';
import type { DockerTarget } from '../../targets/schema';
import type { DispatcherContext } from '../../targets/context';
import { collectResult } from '../local/collect';
import { exists } from '../local/disk-state';
import { isSafeJobId, readKilledFile, readSpecFile, validateSpec, writeKilledFile } from '../local/job-dir';
import { readLogPage } from '../local/read-log';
import { armTimeout } from '../local/timing';
import { dockerClient, httpStatus, withReconnect } from './connect';
import { containerName, containerOptions, imageFor } from './container-spec';
import { builtinRecipe, ensureImage } from './images';
import { dockerStatus, inOrder, isEnded, trackDockerJob, warnJob, type DockerJob } from './docker-job';
import { dockerJobPaths, readEndState, writeEndState, writeStarted, type DockerJobPaths, type EndState } from './job-files';
import { LogMirror } from './log-mirror';
import { probeDocker } from './probe';
import { JobWatch } from './job-watch';

export interface DockerDispatcherOptions {
  /** Time between SIGTERM and SIGKILL of a cancelled job (default 5000 ms). */
  graceMs?: number;
  /** How often logs and events are handed to listeners (default 100 ms). */
  pollMs?: number;
  /** How long an unreachable daemon is retried before its jobs are declared lost (default 5 min). */
  reconnectMs?: number;
}

/**
 * @example
 * const d = new DockerDispatcher('box', { kind: 'docker', image: 'sgr-python:1' }, ctx);
 * await d.submit(spec, { onLog: (s, chunk) => process.stdout.write(chunk) });
 * const { exitCode, oomKilled } = await d.wait(spec.jobId);
 */
export class DockerDispatcher implements Dispatcher {
  readonly kind = 'docker';
  private readonly docker: Docker;
  private readonly jobs = new Map<string, DockerJob>();
  private readonly killTimers = new Set<NodeJS.Timeout>();
  private readonly graceMs: number;
  private readonly watch: JobWatch;
  private closed = false;

  constructor(
    readonly name: string,
    readonly target: DockerTarget,
    readonly ctx: DispatcherContext,
    options: DockerDispatcherOptions = {},
  ) {
    this.docker = dockerClient(target);
    this.graceMs = options.graceMs ?? 5000;
    this.watch = new JobWatch(this.docker, options.pollMs ?? 100, options.reconnectMs ?? 300_000, () => this.closed, (job, end, why) => this.finish(job, end, why));
  }

  async submit(spec: JobSpec, listener?: JobListener): Promise<JobStatus> {
    if (this.closed) throw new Error(`job ${spec.jobId}: submit after the docker dispatcher "${this.name}" was closed`);
    validateSpec(spec);
    imageFor(spec, this.name, this.target);
    return submitOnce(this.jobs, spec, listener, { track: (s) => this.track(s), start: (j) => this.start(j, true), statusOf: dockerStatus });
  }

  async status(jobId: string): Promise<JobStatus> {
    const job = this.jobs.get(jobId);
    if (job) return job.finishing ?? dockerStatus(job);
    const paths = this.pathsOf(jobId);
    if (!paths || !(await exists(paths.dir))) return { jobId, phase: 'unknown' };
    const end = await readEndState(paths);
    const killedBy = await readKilledFile(paths);
    const base: JobStatus = { jobId, phase: 'lost', ...(killedBy ? { killedBy } : {}) };
    if (end) return { ...base, phase: end.phase, exitCode: end.exitCode, ...(end.oomKilled ? { oomKilled: true } : {}) };
    try {
      const info = await this.docker.getContainer(containerName(jobId)).inspect();
      return { ...base, phase: info.State.Status === 'created' ? 'queued' : 'running', nativeId: info.Id };
    } catch (err) {
      if (httpStatus(err) === 404) return base;
      throw this.daemonError(err);
    }
  }

  async wait(jobId: string, listener?: JobListener): Promise<JobStatus> {
    const job = this.jobs.get(jobId) ?? (await this.adopt(jobId));
    return awaitEnd(job, listener, (l) => inOrder(job, () => job.tail.poll([l], true)));
  }

  async readLog(jobId: string, stream: JobLogStream, offset: number, maxBytes: number): Promise<{ data: string; next: number }> {
    const paths = this.pathsOf(jobId);
    if (!paths || !(await exists(paths.dir))) throw this.unknownJob(jobId);
    return readLogPage(paths[stream], offset, maxBytes);
  }

  async cancel(jobId: string, reason: 'timeout' | 'cancel'): Promise<void> {
    const job = this.jobs.get(jobId);
    const paths = job?.paths ?? this.pathsOf(jobId);
    if (!paths || !(await exists(paths.dir))) throw this.unknownJob(jobId);
    if ((job && isEnded(job)) || (await readEndState(paths))) return;
    // Written before signalling, so whoever looks next knows the death was ours.
    await writeKilledFile(paths, reason);
    if (job) job.killedBy ??= reason;
    if (job && !job.container) {
      job.pendingKill = reason;
      return;
    }
    await this.signal(jobId, this.graceMs);
  }

  async preempt(jobId: string, graceMs: number): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job) job.preempting = true;
    await this.signal(jobId, graceMs);
  }

  async collect(jobId: string): Promise<JobResult> {
    const status = await this.status(jobId);
    const paths = this.pathsOf(jobId);
    if (!paths || status.phase === 'unknown') throw this.unknownJob(jobId);
    if (status.phase !== 'exited' && status.phase !== 'lost') throw new Error(`job ${jobId}: cannot collect while ${status.phase}; wait() for it first`);
    const spec = this.jobs.get(jobId)?.spec ?? (await readSpecFile(paths, jobId));
    const result = await collectResult(spec, paths, status);
    if (status.oomKilled) result.oomKilled = true;
    return result;
  }

  probe(): Promise<TargetProbe> {
    return probeDocker(this.docker, this.name, this.target);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.killTimers) clearTimeout(t);
    this.killTimers.clear();
    for (const job of this.jobs.values()) {
      this.watch.stop(job);
      if (isEnded(job)) continue;
      await job.mirror?.close();
      await job.tail.close();
      job.done.reject(new Error(`job ${job.spec.jobId}: the docker dispatcher "${this.name}" was closed; the container keeps running and a new dispatcher re-attaches to it`));
    }
  }

  private track(spec: JobSpec): DockerJob {
    const job = trackDockerJob(spec, dockerJobPaths(this.ctx.jobsRoot, spec.jobId));
    this.jobs.set(spec.jobId, job);
    return job;
  }

  private pathsOf(jobId: string): DockerJobPaths | undefined {
    return isSafeJobId(jobId) ? dockerJobPaths(this.ctx.jobsRoot, jobId) : undefined;
  }

  /** `wait` for a job this process has not seen: re-attach from its directory and container. */
  private async adopt(jobId: string): Promise<DockerJob> {
    const paths = this.pathsOf(jobId);
    if (!paths || !(await exists(paths.dir))) throw this.unknownJob(jobId);
    const spec = await readSpecFile(paths, jobId);
    const known = this.jobs.get(jobId);
    if (known) return known;
    const job = this.track(spec);
    job.submitted = this.start(job, false);
    job.submitted.catch((err: Error) => job.done.reject(err));
    return job;
  }

  /**
   * New or known job: an ended state on disk wins; else the container named after the job
   * is created (`create`) or looked up, and followed.
   */
  private async start(job: DockerJob, create: boolean): Promise<JobStatus> {
    const { spec, paths } = job;
    await mkdir(paths.io, { recursive: true });
    const end = await readEndState(paths);
    if (end) return this.finish(job, end, '', true);
    if (create) {
      await writeFile(paths.spec, `${JSON.stringify(spec, null, 2)}\n`);
      await mkdir(spec.cwd, { recursive: true });
    }
    const container = await this.findOrCreate(job, create);
    if (!container) return this.finish(job, { phase: 'lost', exitCode: null, oomKilled: false }, 'no container was ever created for this job');
    job.container = container;
    const info = await withReconnect(() => container.inspect(), 30_000);
    const labels = info.Config.Labels ?? {};
    if (labels['sgr.job'] !== spec.jobId || labels['sgr.home'] !== this.ctx.home) {
      throw new Error(`job ${spec.jobId}: container ${info.Name} on docker target "${this.name}" belongs to job ${labels['sgr.job'] ?? '?'} of ${labels['sgr.home'] ?? 'another SGR home'}; remove it or use another run id`);
    }
    job.containerId = info.Id;
    if (info.State.Status === 'exited' || info.State.Status === 'dead') return this.watch.ended(job, info);
    if (info.State.Status === 'created') {
      await writeStarted(paths, Date.now());
      await container.start().catch((err: unknown) => {
        if (httpStatus(err) !== 304) throw this.daemonError(err, `cannot start container for job ${spec.jobId}`);
      });
    } else {
      await writeStarted(paths, Date.parse(info.State.StartedAt) || Date.now());
    }
    job.phase = 'running';
    job.mirror = new LogMirror(this.docker, container, paths, (m) => warnJob(job, m));
    this.watch.follow(job);
    if (job.pendingKill) await this.cancel(spec.jobId, job.pendingKill);
    if (spec.timeoutMs > 0) {
      job.timeout = await armTimeout(paths, spec.timeoutMs, () => {
        this.cancel(spec.jobId, 'timeout').catch((err: Error) => warnJob(job, `timeout kill failed: ${err.message}`));
      });
    }
    return dockerStatus(job);
  }

  /** Creates the job's container; a name conflict means it exists already: that one is used. */
  private async findOrCreate(job: DockerJob, create: boolean): Promise<Docker.Container | undefined> {
    const existing = this.docker.getContainer(containerName(job.spec.jobId));
    if (!create) {
      try {
        await withReconnect(() => existing.inspect(), 30_000);
        return existing;
      } catch (err) {
        if (httpStatus(err) === 404) return undefined;
        throw this.daemonError(err);
      }
    }
    const opts = containerOptions(job.spec, {
      targetName: this.name,
      target: this.target,
      home: this.ctx.home,
      paths: job.paths,
      user: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    });
    for (let built = false; ; built = true) {
      try {
        return await withReconnect(() => this.docker.createContainer(opts), 30_000);
      } catch (err) {
        if (httpStatus(err) === 409) return existing;
        if (httpStatus(err) !== 404) throw this.daemonError(err, `cannot create the container of job ${job.spec.jobId}`);
        // One of SGR's own images (sgr images build): built here, offline, once per engine.
        const recipe = builtinRecipe(opts.Image ?? '');
        if (!recipe || built) {
          throw new Error(`step "${job.spec.stepId}": image "${opts.Image}" is not on docker target "${this.name}" (no registry is used: build or load it first, e.g. sgr images build)`);
        }
        warnJob(job, `image ${opts.Image} is not on docker target "${this.name}": building it (recipe ${recipe.kind})`);
        await ensureImage(this.docker, recipe, (line) => warnJob(job, `image ${recipe.kind}: ${line}`));
      }
    }
  }

  /** Records the end on disk (before the container goes), delivers the last logs, settles waiters. */
  private finish(job: DockerJob, end: EndState, why = '', recorded = false): Promise<JobStatus> {
    job.finishing ??= (async () => {
      this.watch.stop(job);
      job.timeout?.clear();
      if (why) warnJob(job, why);
      // Rewriting a recorded end would move `exit`'s mtime, which is the job's end time.
      if (!recorded) await writeEndState(job.paths, end, why);
      job.killedBy ??= await readKilledFile(job.paths);
      job.exitCode = end.exitCode;
      if (end.oomKilled) job.oomKilled = true;
      await job.container?.remove({ force: true }).catch(() => undefined);
      job.phase = end.phase;
      for (const l of job.listeners) job.notified.add(l);
      await inOrder(job, () => job.tail.poll(job.listeners, true)).catch((err: Error) => warnJob(job, `reading logs: ${err.message}`));
      const status = dockerStatus(job);
      job.done.resolve(status);
      return status;
    })();
    return job.finishing;
  }

  /** SIGTERM now, SIGKILL after `graceMs` if the container still runs. */
  private async signal(jobId: string, graceMs: number): Promise<void> {
    const container = this.docker.getContainer(containerName(jobId));
    const send = async (signal: string): Promise<void> => {
      try {
        await container.kill({ signal });
      } catch (err) {
        // 404: gone; 409: not running. Both mean there is nothing left to signal.
        if (httpStatus(err) !== 404 && httpStatus(err) !== 409) throw this.daemonError(err, `cannot signal job ${jobId}`);
      }
    };
    await send('SIGTERM');
    const timer = setTimeout(() => {
      this.killTimers.delete(timer);
      send('SIGKILL').catch((err: Error) => {
        const job = this.jobs.get(jobId);
        if (job) warnJob(job, err.message);
      });
    }, graceMs);
    this.killTimers.add(timer);
  }

  private daemonError(err: unknown, what = 'docker call failed'): Error {
    return new Error(`docker target "${this.name}": ${what}: ${(err as Error).message}`);
  }

  private unknownJob(jobId: string): Error {
    return new Error(`job ${jobId}: unknown to docker target "${this.name}" (no directory under ${this.ctx.jobsRoot})`);
  }
}
