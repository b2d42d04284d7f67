/**
 * The SSH dispatcher (D4): jobs run detached on a remote host (setsid: own session and
 * process group) in job directories under the target's root, followed over one ssh2
 * connection that reconnects with backoff. Everything but the transport is the shared
 * remote job layer (../remote), which the Slurm dispatcher reuses with sbatch.
 */
import type { DispatcherContext } from '../../targets/context';
import type { SshTarget } from '../../targets/schema';
import { SetsidLauncher } from '../remote/launcher';
import { RemoteDispatcher } from '../remote/remote-dispatcher';
import type { Dispatcher, JobListener, JobLogStream, JobResult, JobSpec, JobStatus, TargetProbe } from '../types';
import { probeHost } from './probe';
import { SshShell } from './shell';

export { SshShell } from './shell';

/** Remote job root when the target sets none. */
export const DEFAULT_REMOTE_ROOT = '~/.sgr-remote';

export interface SshDispatcherOptions {
  pollMs?: number;
  graceMs?: number;
}

/**
 * @example
 * const d = new SshDispatcher('gpu1', target, ctx);
 * await d.submit(spec); await d.wait(spec.jobId); const result = await d.collect(spec.jobId);
 */
export class SshDispatcher implements Dispatcher {
  readonly kind = 'ssh';
  readonly shell: SshShell;
  private readonly jobs: RemoteDispatcher;

  constructor(
    readonly name: string,
    readonly target: SshTarget,
    readonly ctx: DispatcherContext,
    options: SshDispatcherOptions = {},
  ) {
    this.shell = new SshShell(name, target, { lookup: (n) => ctx.lookup(n) });
    this.jobs = new RemoteDispatcher({
      kind: 'ssh',
      name,
      shell: this.shell,
      launcher: new SetsidLauncher(),
      root: target.root ?? DEFAULT_REMOTE_ROOT,
      mirrorRoot: ctx.jobsRoot,
      ...options,
    });
  }

  submit(spec: JobSpec, listener?: JobListener): Promise<JobStatus> {
    return this.jobs.submit(spec, listener);
  }
  status(jobId: string): Promise<JobStatus> {
    return this.jobs.status(jobId);
  }
  wait(jobId: string, listener?: JobListener): Promise<JobStatus> {
    return this.jobs.wait(jobId, listener);
  }
  readLog(jobId: string, stream: JobLogStream, offset: number, maxBytes: number): Promise<{ data: string; next: number }> {
    return this.jobs.readLog(jobId, stream, offset, maxBytes);
  }
  cancel(jobId: string, reason: 'timeout' | 'cancel'): Promise<void> {
    return this.jobs.cancel(jobId, reason);
  }
  preempt(jobId: string, graceMs: number): Promise<void> {
    return this.jobs.preempt(jobId, graceMs);
  }
  collect(jobId: string): Promise<JobResult> {
    return this.jobs.collect(jobId);
  }
  probe(): Promise<TargetProbe> {
    return probeHost(this.name, this.shell, () => this.jobs.root());
  }
  close(): Promise<void> {
    return this.jobs.close();
  }
}
