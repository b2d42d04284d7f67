/**
 * Slurm job states → the dispatcher's phases. Slurm reports a job through `scontrol show job`
 * while the controller still holds it (MinJobAge after the end) and through `sacct` after.
 */
import type { JobPhase } from '../types';

const QUEUED = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESV_DEL_HOLD', 'SPECIAL_EXIT']);
const RUNNING = new Set(['RUNNING', 'COMPLETING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'SUSPENDED', 'RESIZING']);
const EXITED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'PREEMPTED', 'DEADLINE']);
/** The job died with its node or never got one: nothing it did can be trusted as an exit. */
const LOST = new Set(['NODE_FAIL', 'BOOT_FAIL']);

/**
 * @example phaseOfState('OUT_OF_MEMORY') // 'exited'
 * @example phaseOfState('CANCELLED by 0') // 'exited'
 */
export function phaseOfState(state: string): JobPhase {
  const s = state.split(/\s/)[0]!.replace(/\+$/, '');
  if (QUEUED.has(s)) return 'queued';
  if (RUNNING.has(s)) return 'running';
  if (EXITED.has(s)) return 'exited';
  if (LOST.has(s)) return 'lost';
  return 'unknown';
}

/** One job as Slurm reports it. */
export interface SlurmState {
  slurmId: string;
  /** First word of the state (`CANCELLED by 0` → `CANCELLED`). */
  state: string;
  /** Exit status of the batch script (`ExitCode=a:b` → a), null when killed by signal b. */
  exitCode: number | null;
  signal: number;
  /** Native requeues so far (scontrol `Restarts`; sacct does not report it: 0). */
  restarts: number;
  reason?: string;
}

function exitOf(pair: string | undefined): { exitCode: number | null; signal: number } {
  const m = (pair ?? '').match(/^(\d+):(\d+)$/);
  if (!m) return { exitCode: null, signal: 0 };
  const signal = Number(m[2]);
  return { exitCode: signal ? null : Number(m[1]), signal };
}

/**
 * Parses `scontrol show job -o <id>` (one line of Key=Value pairs).
 * @example parseScontrol('JobId=7 JobName=sgr-r.s.1 JobState=FAILED Reason=NonZeroExitCode Restarts=0 ExitCode=3:0')
 * // { slurmId: '7', state: 'FAILED', exitCode: 3, signal: 0, restarts: 0, reason: 'NonZeroExitCode' }
 */
export function parseScontrol(line: string): SlurmState | undefined {
  const field = (k: string): string | undefined => line.match(new RegExp(`(?:^|\\s)${k}=(\\S*)`))?.[1];
  const slurmId = field('JobId');
  const state = field('JobState');
  if (!slurmId || !state) return undefined;
  const out: SlurmState = { slurmId, state, ...exitOf(field('ExitCode')), restarts: Number(field('Restarts') ?? 0) || 0 };
  const reason = field('Reason');
  if (reason && reason !== 'None') out.reason = reason;
  return out;
}

/**
 * Parses `sacct -X -n -P -o JobID,State,ExitCode -j <id>` (the allocation's line).
 * @example parseSacct('7|CANCELLED by 0|0:15\n') // { slurmId: '7', state: 'CANCELLED', exitCode: null, signal: 15, restarts: 0 }
 */
export function parseSacct(text: string): SlurmState | undefined {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (!line) return undefined;
  const [slurmId, state, exit] = line.split('|');
  if (!slurmId || !state) return undefined;
  return { slurmId, state: state.split(/\s/)[0]!, ...exitOf(exit), restarts: 0 };
}
