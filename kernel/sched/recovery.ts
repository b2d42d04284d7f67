/**
 * Failure-class recovery that outlives one attempt (D6): the dead-letter list of poison
 * steps, and OOM adjustments journaled so a resumed run keeps them.
 */
import type { FailureClass, PlanStep } from '../common/plan';
import type { KernelServices, RunContext } from '../lifecycle/context';
import { appendEvent } from '../store/events-repo';
import { checkLease } from '../store/lease';
import type { Db } from '../store/db';
import { stmt } from '../store/sql';
import { applyOomChange, describeOomChange, oomAdjust, type OomChange } from './oom';
import { addDeadLetter, removeDeadLetter } from './queue-repo';

/**
 * A poison step: it failed every attempt it was allowed (N = retry.max + 1 ≥ 2, or the
 * preemption/lost limits). It goes to the dead-letter list; the rest of the run goes on.
 */
export function isPoison(cls: FailureClass, attempts: number, retryable: boolean): boolean {
  return retryable && attempts >= 2 && cls !== 'budget' && cls !== 'policy';
}

/** @example await deadLetter(k, run, step, 3, 'user_error', 'exit 3') */
export async function deadLetter(k: KernelServices, run: RunContext, step: PlanStep, attempts: number, cls: FailureClass, error: string | null): Promise<void> {
  await k.journal.write((db) => {
    const now = k.now();
    if (run.lease) checkLease(db, run.lease, now);
    addDeadLetter(db, { runId: run.runId, stepId: step.id, target: step.target, attempts, failureClass: cls, error }, now);
    appendEvent(db, run.runId, step.id, attempts, 'step.dead_lettered', now, { attempts, failureClass: cls });
  });
  k.bus.emit('step.warned', { runId: run.runId, stepId: step.id, message: `step "${step.id}" failed all ${attempts} attempts (${cls}); moved to the dead-letter list (sgr queue --dead-letter)` });
}

/** A resumed run retries its dead-lettered steps: they leave the list (inside the caller's write). */
export const undeadLetter = removeDeadLetter;

/**
 * The step for the attempt after an OOM, with the change journaled and announced; the
 * same step when the plan configures no `retry.oom`.
 */
export async function afterOom(k: KernelServices, run: RunContext, step: PlanStep, attempt: number): Promise<PlanStep> {
  const adjusted = oomAdjust(step);
  if (!adjusted) return step;
  const { change } = adjusted;
  await k.journal.write((db) => {
    const now = k.now();
    if (run.lease) checkLease(db, run.lease, now);
    appendEvent(db, run.runId, step.id, attempt, 'step.oom_adjusted', now, change);
  });
  k.bus.emit('step.warned', { runId: run.runId, stepId: step.id, message: `attempt ${attempt} ran out of memory; attempt ${attempt + 1} runs with ${describeOomChange(change)}` });
  return adjusted.step;
}

/**
 * The step with the OOM adjustments its earlier attempts journaled (the newest values win);
 * with `attempt`, only those made before that attempt — what replay needs to re-derive
 * attempt N with the params and resources it really ran with.
 * @example withJournaledOom(k.journal.db, runId, step, 3) // params as attempt 3 ran them
 */
export function withJournaledOom(db: Db, runId: string, step: PlanStep, attempt = Number.MAX_SAFE_INTEGER): PlanStep {
  if (!step.retry.oom) return step;
  const rows = stmt(db, "SELECT data_json FROM events WHERE run_id = ? AND step_id = ? AND kind = 'step.oom_adjusted' AND attempt < ? ORDER BY seq").all(runId, step.id, attempt) as Array<{ data_json: string | null }>;
  let next = step;
  for (const r of rows) if (r.data_json) next = applyOomChange(next, JSON.parse(r.data_json) as OomChange);
  return next;
}
