/**
 * How a prepared remote job directory gets started, followed and signalled. The SSH
 * dispatcher starts the wrapper with `setsid -f`; the Slurm dispatcher implements the same
 * interface with `sbatch`/`squeue`/`scancel` and reuses the rest of the remote job layer
 * (upload, job directory, polling, mirror, collect) unchanged.
 */
import { shellQuote } from '../local/job-dir';
import type { JobSpec } from '../types';
import type { RemoteJobLayout } from './layout';
import type { RemoteShell } from './shell';
import type { RemoteState } from './state';
import { signalGroupCommand } from './wrapper-script';

/** One remote job as a launcher sees it. `spec` is the remote spec (paths already rewritten). */
export interface LaunchedJob {
  spec: JobSpec;
  layout: RemoteJobLayout;
}

export interface RemoteLauncher {
  /** For messages and JobStatus.nativeId prefixes: `setsid`, `slurm`. */
  readonly kind: string;
  /**
   * Starts `sh <layout.runScript> <layout.paths.dir>` detached, returning a native id if
   * the launcher has one right away (a Slurm job id). Must be safe to call twice for the
   * same job: the wrapper's claim makes the second start a no-op.
   */
  launch(shell: RemoteShell, job: LaunchedJob): Promise<string | undefined>;
  /**
   * Whether a claimed job without an `exit` file still runs. `state.procAlive` is the
   * wrapper pid checked on the shell's host — right for setsid, not for a cluster node.
   */
  isAlive(shell: RemoteShell, job: LaunchedJob, state: RemoteState): Promise<boolean>;
  /**
   * Signals the job: TERM now, KILL after `graceMs`. `reason` is recorded in `killed`
   * (cancel/timeout); undefined for a preemption.
   */
  signal(shell: RemoteShell, job: LaunchedJob, reason: 'timeout' | 'cancel' | undefined, graceMs: number): Promise<void>;
}

/**
 * Starts jobs as their own session and process group on the remote host, so they survive
 * the ssh connection and the app.
 * @example new RemoteJobs({ shell, launcher: new SetsidLauncher(), … })
 */
export class SetsidLauncher implements RemoteLauncher {
  readonly kind = 'setsid';

  async launch(shell: RemoteShell, job: LaunchedJob): Promise<string | undefined> {
    const jd = shellQuote(job.layout.paths.dir);
    const r = await shell.exec(
      `command -v setsid >/dev/null 2>&1 || { echo "setsid not found (install util-linux)" >&2; exit 127; }\n` +
        `cd / && setsid -f sh ${shellQuote(job.layout.runScript)} ${jd} </dev/null >/dev/null 2>&1\n` +
        // Wait here (briefly) for the wrapper's pid: saves the caller a round trip to learn it.
        `i=0; while [ ! -s ${jd}/pid ] && [ ! -e ${jd}/exit ] && [ $i -lt 50 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done; exit 0`,
    );
    if (r.code !== 0) throw new Error(`${shell.describe}: cannot start job ${job.spec.jobId}: ${r.stderr.trim() || `exit ${r.code}`}`);
    return undefined;
  }

  async isAlive(_shell: RemoteShell, _job: LaunchedJob, state: RemoteState): Promise<boolean> {
    return state.procAlive;
  }

  async signal(shell: RemoteShell, job: LaunchedJob, reason: 'timeout' | 'cancel' | undefined, graceMs: number): Promise<void> {
    const r = await shell.exec(signalGroupCommand(job.layout.paths.dir, reason, graceMs));
    if (r.code !== 0) throw new Error(`${shell.describe}: cannot signal job ${job.spec.jobId}: ${r.stderr.trim()}`);
  }
}
