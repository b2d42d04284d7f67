/**
 * The scheduler of one run: starts runnable steps (all dependencies committed durably)
 * up to the concurrency limit, retries failed attempts by their failure class, marks the
 * descendants of a failed step UPSTREAM_FAILED while independent branches go on (an
 * `all_done` step waits for its dependencies to end instead, completed or not), requeues
 * preempted jobs at once as new attempts that resume from the step's checkpoints, and
 * picks up where a crashed process stopped (RUNNING steps re-enter their attempt, so a
 * job that is still running is re-attached rather than started again).
 *
 * Slots come from the kernel's scheduler (kernel/sched, D6): priorities, per-target and
 * per-run quotas shared with other processes, preemption. A step that failed every attempt
 * it was allowed is dead-lettered; an OOM retry runs with the step's `retry.oom` changes.
 */
import { TERMINAL_STEP_STATES, type FailureClass, type PlanStep, type RunState, type StepState } from '../common/plan';
import { effectiveDeps } from '../common/validate-plan';
import { appendEvent } from '../store/events-repo';
import { decodeJson } from '../store/json-column';
import { checkLease } from '../store/lease';
import { setRunState } from '../store/runs-repo';
import { getSteps, updateStep } from '../store/steps-repo';
import { commitAttempt, commitUpstreamFailed } from './commit';
import type { KernelServices, RunContext } from './context';
import { afterOom, deadLetter, isPoison, undeadLetter, withJournaledOom } from '../sched/recovery';
import { slotHooks } from '../sched/slots';
import { decideRetry, isRetryable, type RetryCounters } from './failure';
import { stepsToReset } from './resume-reset';
import { Semaphore } from './semaphore';
import { runAttempt } from './step-attempt';

interface StepSlot extends RetryCounters {
  step: PlanStep;
  deps: string[];
  state: StepState;
  /** Last attempt number used (0 = never started). */
  attempt: number;
  /** True when the journal says RUNNING: re-enter `attempt` instead of starting a new one. */
  reenter: boolean;
  outputs: Record<string, unknown> | null;
  durable: boolean;
}

const LOOKAHEAD = 2;

/** @example const state = await executeRun(kernelServices, runContext) */
export async function executeRun(k: KernelServices, run: RunContext): Promise<RunState> {
  const slots = loadSlots(k, run);
  await k.journal.write((db) => {
    const now = k.now();
    if (run.lease) checkLease(db, run.lease, now);
    // A resumed run retries what failed before; attempts keep counting up.
    for (const id of stepsToReset([...slots.values()].map((s) => ({ id: s.step.id, deps: s.deps, state: s.state })))) {
      const s = slots.get(id) as StepSlot;
      updateStep(db, run.runId, id, { state: 'PENDING', failure_class: null, error: null, ended_at: null });
      undeadLetter(db, run.runId, id);
      Object.assign(s, { state: 'PENDING', outputs: null, durable: false });
    }
    setRunState(db, run.runId, 'RUNNING', now);
    appendEvent(db, run.runId, null, null, 'run.running', now, null);
  });
  k.bus.emit('run.stateChanged', { runId: run.runId, state: 'RUNNING' });

  // Up to LOOKAHEAD × concurrency attempts are in flight (resolving, recording intents,
  // collecting, committing), but only `concurrency` of them execute at any moment (the
  // scheduler's per-run cap; this semaphore only when the kernel has no scheduler).
  const jobSlots = new Semaphore(run.plan.concurrency);
  const prioritized = run.plan.steps.some((st) => st.priority !== undefined);
  let admitted = 0;
  let fatal: unknown = null;
  const pending = new Set<Promise<void>>();
  let wake: () => void = () => undefined;
  const changed = (): void => wake();
  const upstream = new Map<string, Record<string, unknown>>();
  for (const s of slots.values()) if (s.state === 'COMPLETED' && s.outputs) upstream.set(s.step.id, s.outputs);

  // Readiness is tracked incrementally (dependency counters), so a step costs O(its edges),
  // not a scan of the whole plan: large sweeps stay linear.
  const children = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  const ready: StepSlot[] = [];
  const runnable = (s: StepSlot): boolean => s.state === 'PENDING' || (s.state === 'RUNNING' && s.reenter);
  for (const s of slots.values()) {
    for (const d of s.deps) children.set(d, [...(children.get(d) ?? []), s.step.id]);
    const w = s.deps.filter((d) => !slots.get(d)?.durable).length;
    waiting.set(s.step.id, w);
    if (w === 0 && runnable(s)) ready.push(s);
  }
  /** One dependency of `c` is settled (committed; for an all_done child, ended in any way). */
  const onDurable = (c: string): void => {
    const w = (waiting.get(c) ?? 1) - 1;
    waiting.set(c, w);
    const child = slots.get(c) as StepSlot;
    if (w === 0 && runnable(child)) ready.push(child);
  };
  const track = (p: Promise<void>): void => {
    const q = p.catch((err: unknown) => {
      fatal ??= err;
    }).finally(() => {
      pending.delete(q);
      changed();
    });
    pending.add(q);
  };
  /** `id` ended without completing, durably: its all_done children count it as done. */
  const onEndedFailed = (id: string): void => {
    for (const c of children.get(id) ?? []) if ((slots.get(c) as StepSlot).step.trigger === 'all_done') onDurable(c);
  };
  const onFailed = (id: string): void => {
    const blocked: string[] = [];
    const cause = new Map<string, string>();
    const todo = [id];
    while (todo.length > 0) {
      const cur = todo.pop() as string;
      for (const c of children.get(cur) ?? []) {
        const child = slots.get(c) as StepSlot;
        // An all_done child is not blocked: it runs once all its dependencies have ended.
        if (child.state !== 'PENDING' || child.step.trigger === 'all_done') continue;
        child.state = 'UPSTREAM_FAILED';
        blocked.push(c);
        cause.set(c, cur);
        todo.push(c);
      }
    }
    onEndedFailed(id);
    if (blocked.length === 0) return;
    track(commitUpstreamFailed(k, run, blocked, cause).then(() => blocked.forEach(onEndedFailed)));
    for (const b of blocked) k.bus.emit('step.stateChanged', { runId: run.runId, stepId: b, state: 'UPSTREAM_FAILED', attempt: 0, cacheHit: false });
  };

  /** One attempt of a step; a retry goes back to the ready queue and waits for a slot again. */
  const runSlot = async (s: StepSlot): Promise<void> => {
    const reentering = s.reenter;
    const attempt = reentering ? s.attempt : s.attempt + 1;
    s.reenter = false;
    s.attempt = attempt;
    const hooks = slotHooks(k, run, s.step, attempt, reentering, jobSlots);
    const outcome = await runAttempt(k, run, s.step, attempt, upstream, hooks);
    hooks.releaseSlot();
    if (!outcome.ok && hooks.preempted()) {
      // SIGTERM'd by the scheduler: whatever the exit (75 after a checkpoint, or SIGKILL
      // after the grace), the attempt was preempted, not killed or out of memory.
      outcome.failureClass = 'preempted';
      outcome.error = `step "${s.step.id}": job ${outcome.jobId ?? ''} was preempted by the scheduler for higher-priority work`;
    }
    admitted--;
    changed();
    if (outcome.ok) {
      s.state = 'COMPLETED';
      s.outputs = outcome.outputs;
      upstream.set(s.step.id, outcome.outputs ?? {});
      await commitAttempt(k, run, s.step, outcome, 'COMPLETED');
      s.durable = true;
      for (const c of children.get(s.step.id) ?? []) onDurable(c);
      emitStep(k, run, s, outcome.cacheHit, null, null, outcome.startedAt);
      return;
    }
    const cls = outcome.failureClass ?? 'infrastructure';
    const next = run.signal.aborted ? { action: 'fail' as const } : decideRetry(cls, s.step.retry, s);
    if (next.action === 'fail') {
      if ('reason' in next && next.reason) outcome.error = `${outcome.error ?? cls}; ${next.reason}`;
      s.state = run.signal.aborted ? 'ABORTED' : 'FAILED';
      await commitAttempt(k, run, s.step, outcome, s.state);
      if (s.state === 'FAILED' && isPoison(cls, attempt, cls === 'lost' || isRetryable(cls, s.step.retry.on))) {
        await deadLetter(k, run, s.step, attempt, cls, outcome.error);
      }
      // After an abort, the final sweep marks what is left ABORTED (resumable), not UPSTREAM_FAILED.
      if (s.state === 'FAILED') onFailed(s.step.id);
      emitStep(k, run, s, false, cls, outcome.error, outcome.startedAt);
      return;
    }
    await commitAttempt(k, run, s.step, outcome, 'PENDING');
    const message = cls === 'preempted'
      ? `attempt ${attempt} preempted; requeued as attempt ${attempt + 1} (resumes from its checkpoint)`
      : `attempt ${attempt} failed (${cls}); retrying`;
    k.bus.emit('step.warned', { runId: run.runId, stepId: s.step.id, message });
    if (cls === 'oom') s.step = await afterOom(k, run, s.step, attempt);
    if (next.action === 'backoff') await sleep(next.delayMs, run.signal);
    s.state = 'PENDING';
    ready.push(s);
  };

  for (;;) {
    if (fatal || run.signal.aborted) break;
    while (admitted < run.plan.concurrency * LOOKAHEAD && ready.length > 0) {
      const s = prioritized ? takeHighest(ready) : (ready.shift() as StepSlot);
      if (!runnable(s)) continue;
      s.state = 'RUNNING';
      admitted++;
      track(runSlot(s));
    }
    if (pending.size === 0) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  await Promise.all(pending);
  if (fatal) throw fatal;
  await run.settle;

  const states = [...slots.values()].map((s) => s.state);
  const final: RunState = run.signal.aborted
    ? 'ABORTED'
    : states.every((st) => st === 'COMPLETED')
      ? 'COMPLETED'
      : 'FAILED';
  const failed = [...slots.values()].filter((s) => s.state === 'FAILED').map((s) => s.step.id);
  const error = final === 'FAILED' ? `step${failed.length === 1 ? '' : 's'} ${failed.join(', ')} failed` : final === 'ABORTED' ? 'aborted by the user' : null;
  await k.journal.write((db) => {
    const now = k.now();
    if (run.lease) checkLease(db, run.lease, now);
    if (final === 'ABORTED') {
      for (const s of slots.values()) {
        if (!TERMINAL_STEP_STATES.has(s.state)) updateStep(db, run.runId, s.step.id, { state: 'ABORTED', ended_at: now });
      }
    }
    setRunState(db, run.runId, final, now, error);
    appendEvent(db, run.runId, null, null, `run.${final.toLowerCase()}`, now, error ? { error } : null);
  });
  k.bus.emit('run.stateChanged', { runId: run.runId, state: final, error });
  return final;
}

function loadSlots(k: KernelServices, run: RunContext): Map<string, StepSlot> {
  const rows = new Map(getSteps(k.journal.db, run.runId).map((r) => [r.step_id, r]));
  const slots = new Map<string, StepSlot>();
  for (const step of run.plan.steps) {
    const row = rows.get(step.id);
    const state = (row?.state ?? 'PENDING') as StepState;
    slots.set(step.id, {
      step: withJournaledOom(k.journal.db, run.runId, step),
      deps: effectiveDeps(step),
      state,
      attempt: row?.attempt ?? 0,
      reenter: state === 'RUNNING',
      outputs: state === 'COMPLETED' ? decodeJson(row?.outputs_json ?? null, k.journal.blobs) : null,
      durable: state === 'COMPLETED',
      retries: 0,
      lost: 0,
      preempted: 0,
    });
  }
  return slots;
}

function emitStep(
  k: KernelServices,
  run: RunContext,
  s: StepSlot,
  cacheHit: boolean,
  failureClass: FailureClass | null,
  error: string | null,
  startedAt: number,
): void {
  k.bus.emit('step.stateChanged', {
    runId: run.runId, stepId: s.step.id, state: s.state, attempt: s.attempt, cacheHit, failureClass, error,
    durationMs: k.now() - startedAt,
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

/** The ready step of highest priority, FIFO among equals (the scheduler orders across runs). */
function takeHighest(ready: StepSlot[]): StepSlot {
  let best = 0;
  for (let i = 1; i < ready.length; i++) if ((ready[i]!.step.priority ?? 0) > (ready[best]!.step.priority ?? 0)) best = i;
  return ready.splice(best, 1)[0] as StepSlot;
}
