/**
 * The Slurm dispatcher (D5): a job is an sbatch script in a job directory on the cluster's
 * shared file system, submitted through a RemoteShell (ssh to the login node, or this
 * machine). Submission is idempotent by job id (submitOnce), status comes from scontrol and
 * then sacct, logs and events are tailed into a local mirror like the SSH dispatcher's,
 * outputs are downloaded when the job ends. Preemption signals the job (`scancel
 * --signal=TERM --full`) so the worker SDK checkpoints and exits 75; Slurm's own warning
 * before the time limit (`--signal=B:TERM@<signalSeconds>`) takes the same path.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SlurmTarget, SshTarget } from '../../targets/schema';
import type { DispatcherContext } from '../../targets/context';
import { isSafeJobId, jobPaths, readSpecFile, validateSpec, writeKilledFile, type JobPaths } from '../local/job-dir';
import { readLogPage } from '../local/read-log';
import { collectRemote } from '../remote/collect';
import { remoteLayout } from '../remote/layout';
import { LocalShell } from '../remote/local-shell';
import { prepareJob, resolveRoot } from '../remote/prepare';
import { ConnectionLostError, type RemoteShell } from '../remote/shell';
import { SshShell } from '../ssh/shell';
import type { Dispatcher, JobListener, JobLogStream, JobResult, JobSpec, JobStatus, TargetProbe } from '../types';
import { renderBatchScript } from './batch-script';
import { querySlurm, recordedSlurmId, scancel, submitOnce, writeRemote } from './commands';
import { followOnce } from './follow';
import { newJob, type SlurmJob } from './job';
import { mirrorFiles, readFinalStatus, RemoteTail } from './mirror';
import { probeSlurm } from './probe';
import { phaseOfState } from './states';

export interface SlurmDispatcherOptions {
  /** The shell to run Slurm commands through (default: ssh to `target.ssh`, else this machine). */
  shell?: RemoteShell;
  /**
   * How often a job is polled at most (default 2000 ms). A new or re-attached job is polled
   * every FIRST_POLL_MS at first, backing off to this: short jobs end without a 2 s wait,
   * long ones cost the controller one scontrol per job per pollMs.
   */
  pollMs?: number;
  /** Polls in a row in which neither Slurm nor the job directory knows a job before it is `lost` (default 10). */
  unknownPolls?: number;
}


/**
 * @example
 * const d = new SlurmDispatcher('cluster', { kind: 'slurm', ssh: 'login', partition: 'gpu', signalSeconds: 120, defaults: { time: 60 } }, ctx);
 * await d.submit(spec);
 * const { exitCode } = await d.wait(spec.jobId);
 */
/** The first polls of a job come this fast (see SlurmDispatcherOptions.pollMs). */
const FIRST_POLL_MS = 250;
/** Failed polls in a row (other than a dropped connection) before wait() gives up. */
const MAX_POLL_ERRORS = 20;

export class SlurmDispatcher implements Dispatcher {
  readonly kind = 'slurm';
  private readonly shell: RemoteShell;
  private readonly pollMs: number;
  private readonly unknownPolls: number;
  private readonly jobs = new Map<string, SlurmJob>();
  private root: Promise<string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    readonly target: SlurmTarget,
    readonly ctx: DispatcherContext,
    options: SlurmDispatcherOptions = {},
  ) {
    this.shell = options.shell ?? defaultShell(name, target, ctx);
    this.pollMs = options.pollMs ?? 2000;
    this.unknownPolls = options.unknownPolls ?? 10;
  }

  async submit(spec: JobSpec, listener?: JobListener): Promise<JobStatus> {
    if (this.closed) throw new Error(`target "${this.name}": job ${spec.jobId}: submit after the dispatcher was closed`);
    validateSpec(spec);
    const known = this.jobs.get(spec.jobId);
    if (known) {
      if (listener) known.listeners.add(listener);
      return this.statusOf(known);
    }
    const job = await this.track(spec);
    if (listener) job.listeners.add(listener);
    try {
      await this.start(job);
    } catch (err) {
      this.jobs.delete(spec.jobId);
      throw err;
    }
    return this.statusOf(job);
  }

  /** Never submits or starts following a job: asks the mirror, then the cluster, once. */
  async status(jobId: string): Promise<JobStatus> {
    const job = this.jobs.get(jobId);
    if (job) return this.statusOf(job);
    const local = this.localPaths(jobId);
    const final = await readFinalStatus(local);
    if (final) return final;
    const spec = await readSpecFile(local, jobId).catch(() => undefined);
    if (!spec) return { jobId, phase: 'unknown' };
    const slurmId = await this.knownSlurmId(local, remoteLayout(await this.remoteRoot(), spec).paths.dir);
    // Recorded locally but never submitted (the kernel died before sbatch): resume submits it.
    if (!slurmId) return { jobId, phase: 'queued' };
    const state = await querySlurm(this.shell, slurmId);
    return { jobId, phase: state ? phaseOfState(state.state) : 'unknown', nativeId: slurmId };
  }

  async wait(jobId: string, listener?: JobListener): Promise<JobStatus> {
    const job = this.jobs.get(jobId) ?? (await this.adopt(jobId));
    if (listener) job.listeners.add(listener);
    return job.done;
  }

  async readLog(jobId: string, stream: JobLogStream, offset: number, maxBytes: number): Promise<{ data: string; next: number }> {
    const local = this.localPaths(jobId);
    return readLogPage(local[stream], offset, maxBytes);
  }

  async cancel(jobId: string, reason: 'timeout' | 'cancel'): Promise<void> {
    const job = this.jobs.get(jobId) ?? (await this.adopt(jobId));
    if (job.final) return;
    await writeKilledFile(job.local, reason);
    // Also on the cluster: the batch script does not start a job cancelled while pending.
    await writeRemote(this.shell, job.layout.paths.killed, `${reason}\n`);
    if (job.slurmId) await scancel(this.shell, job.slurmId);
  }

  async preempt(jobId: string, graceMs: number): Promise<void> {
    const job = this.jobs.get(jobId) ?? (await this.adopt(jobId));
    if (job.final || !job.slurmId) return;
    const slurmId = job.slurmId;
    // Still queued: nothing to checkpoint, just give the slot back (the attempt ends preempted).
    if (job.phase === 'queued') return scancel(this.shell, slurmId);
    // Every process of the job, batch shell included, gets TERM: the SDK checkpoints and exits 75.
    try {
      await scancel(this.shell, slurmId, 'TERM');
    } catch (err) {
      // The job ended on its own in the meantime (Slurm then says "Invalid job id"): nothing
      // to preempt, and wait() reports how it really ended. Anything else is a real failure.
      const now = await querySlurm(this.shell, slurmId);
      const phase = now ? phaseOfState(now.state) : 'exited';
      if (phase !== 'exited' && phase !== 'lost') throw err;
      return;
    }
    clearTimeout(job.graceTimer);
    job.graceTimer = setTimeout(() => {
      if (!job.final) scancel(this.shell, slurmId).catch((err: Error) => this.warn(job, `preempt: scancel after the grace period failed: ${err.message}`));
    }, graceMs);
  }

  async collect(jobId: string): Promise<JobResult> {
    const local = this.localPaths(jobId);
    const status = await this.status(jobId);
    if (status.phase === 'unknown') throw new Error(`target "${this.name}": job ${jobId} is unknown (no ${local.dir})`);
    if (status.phase !== 'exited' && status.phase !== 'lost') throw new Error(`target "${this.name}": job ${jobId}: cannot collect while ${status.phase}; wait() for it first`);
    const spec = this.jobs.get(jobId)?.spec ?? (await readSpecFile(local, jobId));
    const result = await collectRemote(this.shell, spec, remoteLayout(await this.remoteRoot(), spec), local, status);
    if (status.oomKilled) result.oomKilled = true;
    return result;
  }

  probe(): Promise<TargetProbe> {
    return probeSlurm(this.shell, this.name, this.target);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const job of this.jobs.values()) {
      clearTimeout(job.timeout);
      clearTimeout(job.graceTimer);
      if (!job.final) job.reject(new Error(`target "${this.name}": job ${job.spec.jobId}: the dispatcher was closed; the Slurm job keeps running and a new dispatcher re-attaches to it`));
    }
    await this.shell.close();
  }

  // ---- internals ----

  private localPaths(jobId: string): JobPaths {
    if (!isSafeJobId(jobId)) throw new Error(`target "${this.name}": invalid job id ${JSON.stringify(jobId)}`);
    return jobPaths(this.ctx.jobsRoot, jobId);
  }

  private remoteRoot(): Promise<string> {
    // `~/…` (and the default) resolve to the login's home directory.
    this.root ??= resolveRoot(this.shell, this.target.root ?? `~/.sgr-remote/slurm-${this.name}`).catch((err: Error) => {
      this.root = undefined;
      throw new Error(`target "${this.name}": ${err.message}`);
    });
    return this.root;
  }

  private async track(spec: JobSpec): Promise<SlurmJob> {
    const job = newJob(spec, remoteLayout(await this.remoteRoot(), spec), this.localPaths(spec.jobId));
    this.jobs.set(spec.jobId, job);
    return job;
  }

  /** Writes the job directory (unless an earlier kernel did and submitted it), then sbatch once. */
  private async start(job: SlurmJob): Promise<void> {
    const { spec, layout, local } = job;
    await mkdir(local.dir, { recursive: true });
    await writeFile(local.spec, `${JSON.stringify(spec, null, 2)}\n`);
    let slurmId = await this.knownSlurmId(local, layout.paths.dir);
    if (!slurmId) {
      // The shared remote job layer uploads inputs and the staged SDK (content-addressed,
      // once) and creates the directory atomically; `run.sh` in it is the SSH wrapper, unused here.
      const prepared = await prepareJob(this.shell, await this.remoteRoot(), spec, { timeoutMs: 0, graceMs: 5000 }, join(local.dir, 'scratch'));
      // Written every time: a kernel killed between creating the directory and sbatch left none.
      await writeRemote(this.shell, `${layout.paths.dir}/job.sbatch`, renderBatchScript(prepared.remote, this.target, layout.paths), '755');
      slurmId = (await submitOnce(this.shell, layout.paths.dir, spec.jobId)).slurmId;
    }
    await this.attach(job, slurmId);
    if (spec.timeoutMs > 0) {
      job.timeout = setTimeout(() => {
        this.cancel(spec.jobId, 'timeout').catch((err: Error) => this.warn(job, `timeout cancel failed: ${err.message}`));
      }, spec.timeoutMs);
    }
  }

  private async attach(job: SlurmJob, slurmId: string): Promise<void> {
    job.slurmId = slurmId;
    await writeFile(mirrorFiles(job.local).slurmId, `${slurmId}\n`);
    job.tail = await RemoteTail.open(job.layout.paths, job.local);
    job.interval = Math.min(FIRST_POLL_MS, this.pollMs);
    job.nextPollAt = Date.now() + job.interval;
    this.timer ??= setInterval(() => this.pollAll(), Math.min(FIRST_POLL_MS, this.pollMs));
    await followOnce(this.shell, job, this.unknownPolls);
  }

  /** A job this process did not submit: from the mirror (finished) or the cluster (still there). */
  private async adopt(jobId: string): Promise<SlurmJob> {
    const local = this.localPaths(jobId);
    const spec = await readSpecFile(local, jobId).catch(() => {
      throw new Error(`target "${this.name}": job ${jobId} is unknown (no ${local.spec})`);
    });
    const known = this.jobs.get(jobId);
    if (known) return known;
    const job = await this.track(spec);
    const final = await readFinalStatus(local);
    if (final) {
      job.final = final;
      job.phase = final.phase;
      job.slurmId = final.nativeId;
      job.resolve(final);
      return job;
    }
    const slurmId = await this.knownSlurmId(local, job.layout.paths.dir);
    if (!slurmId) {
      // Never submitted (killed before sbatch): submit now, exactly once.
      await this.start(job);
      return job;
    }
    await this.attach(job, slurmId);
    return job;
  }

  /** The Slurm id from the mirror, else from the job directory on the cluster. */
  private async knownSlurmId(local: JobPaths, remoteDir: string): Promise<string | undefined> {
    const mirrored = (await readFile(mirrorFiles(local).slurmId, 'utf8').catch(() => '')).trim();
    return mirrored || (await recordedSlurmId(this.shell, remoteDir));
  }

  private statusOf(job: SlurmJob): JobStatus {
    if (job.final) return job.final;
    const s: JobStatus = { jobId: job.spec.jobId, phase: job.phase };
    if (job.slurmId) s.nativeId = job.slurmId;
    return s;
  }

  private pollAll(): void {
    const now = Date.now();
    for (const job of this.jobs.values()) {
      if (job.final || job.busy || !job.tail || now < job.nextPollAt) continue;
      job.interval = Math.min(job.interval * 2, this.pollMs);
      job.nextPollAt = now + job.interval;
      followOnce(this.shell, job, this.unknownPolls).then(
        () => {
          if (job.errors > 0) this.warn(job, `polling works again after ${job.errors} failed attempt(s)`);
          job.errors = 0;
        },
        (err: Error) => this.pollFailed(job, err),
      );
    }
  }

  /**
   * A dropped connection is waited out (the shell reconnects; the job runs on regardless),
   * with one warning per outage. Any other error repeating MAX_POLL_ERRORS times (scontrol
   * gone, the job directory unreadable) ends wait() with that error instead of hanging.
   */
  private pollFailed(job: SlurmJob, err: Error): void {
    job.errors++;
    if (job.errors === 1) this.warn(job, `poll failed, retrying: ${err.message}`);
    if (err instanceof ConnectionLostError || job.errors < MAX_POLL_ERRORS || job.final) return;
    job.final = { jobId: job.spec.jobId, phase: 'unknown' };
    job.reject(new Error(`target "${this.name}": job ${job.spec.jobId} (Slurm ${job.slurmId ?? '?'}): polling failed ${job.errors} times: ${err.message}`));
  }

  private warn(job: SlurmJob, message: string): void {
    for (const l of job.listeners) l.onWarning?.(`target "${this.name}": job ${job.spec.jobId}: ${message}`);
  }
}

function defaultShell(name: string, target: SlurmTarget, ctx: DispatcherContext): RemoteShell {
  if (!target.ssh) return new LocalShell();
  const login = ctx.lookup(target.ssh);
  if (login.kind !== 'ssh') throw new Error(`target "${name}": ssh: "${target.ssh}" is a ${login.kind} target, not an ssh one`);
  return new SshShell(target.ssh, login as SshTarget, { lookup: (n) => ctx.lookup(n) });
}
