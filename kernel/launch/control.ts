/**
 * Cancel, resume, and the runs the app left unfinished. A run is executed by at most one
 * process (its lease): cancelling one this process executes aborts it directly; one another
 * process executes (`sgr run`) gets a cancel request in the journal that its execute loop
 * polls; one nobody executes is marked ABORTED here. Every cancelled run is resumable.
 */
import { KernelError } from '../api/errors';
import type { Kernel } from '../api/kernel';
import type { RunState } from '../common/plan';
import { abortIdleRun, dismissRuns, interruptedLaunchRuns, requestCancel } from '../store/launches-repo';
import { liveLeaseHolder } from '../store/lease';
import { backgroundRun, runInBackground } from './background';

const TERMINAL: ReadonlySet<RunState> = new Set(['COMPLETED', 'FAILED', 'ABORTED']);

/**
 * @example cancelRun(kernel, runId) // { runId, requested: true }; the run ends ABORTED
 */
export function cancelRun(kernel: Kernel, id: string): { runId: string; requested: boolean } {
  const runId = kernel.resolveRunId(id);
  if (TERMINAL.has(kernel.requireRun(runId).state)) return { runId, requested: false };
  const bg = backgroundRun(runId);
  if (bg) {
    bg.controller.abort();
    return { runId, requested: true };
  }
  // One transaction: the lease is checked and the request (or the abort) written atomically.
  const aborted = kernel.journal.writeNow((db) => {
    const now = Date.now();
    if (liveLeaseHolder(db, runId, now)) {
      requestCancel(db, runId, now);
      return false;
    }
    abortIdleRun(db, runId, now);
    return true;
  });
  // Nobody executes it, so no executor will announce the new state (Electron listens to the bus; serve re-watches it).
  if (aborted) kernel.bus.emit('run.stateChanged', { runId, state: 'ABORTED', error: null });
  return { runId, requested: true };
}

/**
 * Resumes a cancelled, failed or interrupted run in this process's background.
 * @example resumeRun(kernel, runId) // { runId }; progress arrives as run/step events
 */
export function resumeRun(kernel: Kernel, id: string): { runId: string } {
  const runId = kernel.resolveRunId(id);
  const run = kernel.requireRun(runId);
  if (run.state === 'COMPLETED') throw new KernelError('BAD_STATE', `run ${runId} is already COMPLETED; nothing to resume`);
  if (backgroundRun(runId)) return { runId };
  const holder = liveLeaseHolder(kernel.db, runId, Date.now());
  if (holder) {
    const [host, pid] = holder.split(':');
    throw new KernelError('BAD_STATE', `run ${runId} is being executed by another process (pid ${pid} on ${host}); cancel it there, or wait for it to end`);
  }
  runInBackground(kernel, runId);
  return { runId };
}

export interface InterruptedRun {
  runId: string;
  name: string;
  state: string;
  createdAt: number;
  stepsDone: number;
  steps: number;
}

/** Runs launched from the app, not ended, that nobody executes (and the user has not dismissed). */
export function interruptedRuns(kernel: Kernel): InterruptedRun[] {
  return interruptedLaunchRuns(kernel.db, Date.now())
    .filter((r) => !backgroundRun(r.run_id))
    .map((r) => ({ runId: r.run_id, name: r.name, state: r.state, createdAt: r.created_at, stepsDone: r.steps_done, steps: r.steps_count }));
}

export function dismissInterrupted(kernel: Kernel, runIds: readonly string[]): { dismissed: number } {
  return { dismissed: kernel.journal.writeNow((db) => dismissRuns(db, runIds, Date.now())) };
}
