/**
 * The dispatcher contract (D1). Local processes implement it now; Docker, SSH and Slurm
 * implement the same interface later. The kernel never blocks on a job: every call is
 * asynchronous and a job is identified by a deterministic id, so a restarted kernel can
 * find a job it started before a crash instead of starting it twice.
 */

/** What to run. Everything a dispatcher needs, nothing kernel-internal. */
export interface JobSpec {
  /** Deterministic: `<runId>.<stepId>.<attempt>` — the same step attempt always has the same id. */
  jobId: string;
  runId: string;
  stepId: string;
  attempt: number;
  /** argv; `['/bin/sh', '-c', script]` for a shell command. */
  argv: string[];
  /** Extra environment, on top of the dispatcher's base environment. */
  env: Record<string, string>;
  /** Working directory of the job (created by the dispatcher if missing). */
  cwd: string;
  /** Kill the whole process group after this many ms (0 = no limit). */
  timeoutMs: number;
  /** Files the job is expected to produce, relative to cwd, by output name. */
  outputs: Record<string, string>;
  /** Resource hints for schedulers (ignored by the local dispatcher for now). */
  resources?: { cpus?: number; memoryMb?: number; gpus?: number; pids?: number };
  /** Container image (docker targets): the step's `image`, else the target's default. */
  image?: string;
  /** The step's capabilities; a sandboxing dispatcher grants network only with `net`, GPUs only with `gpu`. */
  capabilities?: string[];
  /**
   * Local files or directories the job reads besides its work directory (a script next to
   * the experiment, the Python SDK). A dispatcher without the kernel's file system (SSH,
   * Slurm) uploads them and rewrites these path prefixes in argv and env; Docker mounts
   * them read-only at the same path.
   */
  stage?: string[];
  /** The step's checkpoint directory (also in env as SGR_CHECKPOINT_DIR): kept across attempts on the target. */
  checkpointDir?: string;
}

export type JobPhase = 'queued' | 'running' | 'exited' | 'lost' | 'unknown';

export interface JobStatus {
  jobId: string;
  phase: JobPhase;
  pid?: number;
  exitCode?: number | null;
  /** Set when the dispatcher itself killed the job (timeout or cancel). */
  killedBy?: 'timeout' | 'cancel';
  /** The target says the job was killed for exceeding its memory (Docker State.OOMKilled, Slurm OUT_OF_MEMORY). */
  oomKilled?: boolean;
  /** Target-native id (container id, remote pid, Slurm job id), for humans and the process table. */
  nativeId?: string;
}

/** One parsed line of the job line protocol (see `protocol.ts`). */
export type ProtocolEvent =
  | { type: 'metric'; name: string; value: number; step?: number; ts?: number }
  | { type: 'params'; values: Record<string, unknown> }
  | { type: 'artifact'; path: string; name: string; meta?: Record<string, unknown> }
  | { type: 'output'; name: string; value: unknown }
  | { type: 'checkpoint'; path: string; step?: number }
  | { type: 'heartbeat'; ts?: number }
  | { type: 'progress'; fraction: number; message?: string };

/** What a finished job produced. Output files are on the local disk, ready for the CAS. */
export interface JobResult {
  jobId: string;
  exitCode: number | null;
  signal: string | null;
  killedBy: 'timeout' | 'cancel' | null;
  /** Declared outputs (spec.outputs) and `artifact` protocol lines: name → absolute local path. */
  files: Record<string, string>;
  /** Names of declared outputs the job did not produce. */
  missing: string[];
  /** Protocol events in file order (garbage lines already dropped). */
  events: ProtocolEvent[];
  /** Human-readable warnings (e.g. "events line 3: not JSON — ignored"). */
  warnings: string[];
  /** Last bytes of stderr, for error messages. */
  stderrTail: string;
  durationMs: number;
  /** See JobStatus.oomKilled: the failure class is then `oom` whatever the exit code. */
  oomKilled?: boolean;
}

export type JobLogStream = 'stdout' | 'stderr';

/** Live notifications from a job; the kernel turns them into journal/UI events. */
export interface JobListener {
  onLog?(stream: JobLogStream, chunk: string): void;
  onEvent?(event: ProtocolEvent): void;
  onWarning?(message: string): void;
}

export interface Dispatcher {
  readonly kind: string;
  /**
   * Starts the job. Idempotent by jobId: if a job with this id already exists (started by
   * an earlier kernel process), it is attached to instead of started again.
   */
  submit(spec: JobSpec, listener?: JobListener): Promise<JobStatus>;
  /** Current status; `unknown` when the dispatcher never saw this job id. */
  status(jobId: string): Promise<JobStatus>;
  /** Resolves when the job reaches a terminal phase (exited or lost). */
  wait(jobId: string, listener?: JobListener): Promise<JobStatus>;
  /** Reads a log from a byte offset (for paging and `--follow`). */
  readLog(jobId: string, stream: JobLogStream, offset: number, maxBytes: number): Promise<{ data: string; next: number }>;
  /** Kills the job's whole process group (SIGTERM, then SIGKILL after the grace period). */
  cancel(jobId: string, reason: 'timeout' | 'cancel'): Promise<void>;
  /** Gathers exit status, output files and protocol events of a finished job. */
  collect(jobId: string): Promise<JobResult>;
  /**
   * Preemption (D6): sends the job its warning signal (SIGTERM; on Slurm the configured
   * signal) so the worker SDK checkpoints and exits 75, and kills it if it is still running
   * after `graceMs`. Not a cancel: the attempt ends `preempted` and is requeued.
   */
  preempt?(jobId: string, graceMs: number): Promise<void>;
  /** Connects to the target and reports what it has (`sgr targets check`, the Targets page). */
  probe?(): Promise<TargetProbe>;
  /** Releases resources (helper processes, watchers). Running jobs keep running. */
  close(): Promise<void>;
}

/** What a target has, as probed (nvidia-smi where present). */
export interface TargetResources {
  cpus: number;
  memoryMb: number;
  gpus: Array<{ index: number; model: string; memoryMb: number }>;
}

/** The answer of `Dispatcher.probe()`: never throws; a failure is `ok: false` with the reason. */
export interface TargetProbe {
  ok: boolean;
  /** Round trip of the probe (connect included), ms. */
  latencyMs: number;
  resources?: TargetResources;
  /** Human-readable facts: docker version, ssh server banner, Slurm version, partition… */
  details: Record<string, string>;
  /** Why the probe failed, naming the target and what to fix. */
  error?: string;
}
