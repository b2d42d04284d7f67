/**
 * The commit and checkpoint phases: one transaction writes the step's new state, outputs,
 * cache entry, blob references, the metrics not yet journaled live, the attempt's recordings
 * and its phase events.
 * Either all of it is durable or none of it is.
 */
import type { PlanStep, StepState } from '../common/plan';
import { attemptScope } from '../replay/effects';
import { addBlobRef, putCached } from '../store/cache-repo';
import type { Db } from '../store/db';
import { recordCompletion } from '../store/effects-repo';
import { appendEvent } from '../store/events-repo';
import { encodeJson } from '../store/json-column';
import { checkLease } from '../store/lease';
import { insertMetrics } from '../store/metrics-repo';
import { insertRecording } from '../store/recordings-repo';
import { updateStep } from '../store/steps-repo';
import type { KernelServices, RunContext } from './context';
import { artifactDigests } from './resolve';
import type { AttemptOutcome } from './step-attempt';

/** COMPLETED / FAILED / ABORTED end the step; PENDING means "a retry follows". */
export type AttemptDecision = Extract<StepState, 'COMPLETED' | 'FAILED' | 'ABORTED' | 'PENDING'>;

/** @example await commitAttempt(k, run, step, outcome, 'COMPLETED') */
export function commitAttempt(
  k: KernelServices,
  run: RunContext,
  step: PlanStep,
  outcome: AttemptOutcome,
  decision: AttemptDecision,
): Promise<void> {
  const recordings = run.effects.drain(attemptScope(step.id, outcome.attempt));
  return k.journal.write((db: Db) => {
    const now = k.now();
    if (run.lease) checkLease(db, run.lease, now);
    const refs = new Set<string>();
    const enc = (v: unknown): string => {
      const e = encodeJson(v, k.journal.blobs);
      if (e.spilled) refs.add(e.spilled);
      return e.text;
    };
    const skill = k.skills.get(step.skill);
    const outputsJson = outcome.outputs === null ? null : enc(outcome.outputs);
    updateStep(db, run.runId, step.id, {
      state: decision,
      attempt: outcome.attempt,
      cache_key: outcome.cacheKey,
      cache_hit: outcome.cacheHit ? 1 : 0,
      job_id: outcome.jobId,
      started_at: outcome.startedAt,
      ended_at: decision === 'PENDING' ? null : now,
      params_json: outcome.params === null ? null : enc(outcome.params),
      outputs_json: outputsJson,
      failure_class: outcome.failureClass,
      error: outcome.error,
    });
    for (const r of recordings) {
      insertRecording(db, {
        run_id: run.runId,
        scope: attemptScope(step.id, outcome.attempt),
        idx: r.idx,
        kind: r.kind,
        request: r.request,
        value_json: enc(r.value),
      });
    }
    if (outcome.ok && outcome.outputs && outputsJson !== null) {
      if (!outcome.cacheHit && step.cache && outcome.cacheKey && skill) {
        putCached(db, {
          key: outcome.cacheKey, skill: skill.name, version: skill.version, outputs_json: outputsJson,
          run_id: run.runId, step_id: step.id, created_at: now,
        });
      }
      for (const d of artifactDigests(outcome.outputs)) refs.add(d);
    }
    for (const d of refs) addBlobRef(db, d, run.runId, step.id);
    // Metrics journaled live while the job ran (a prefix, live-metrics.ts) are not inserted twice.
    const fresh = outcome.metrics.slice(outcome.metricsJournaled?.() ?? 0);
    if (fresh.length > 0) insertMetrics(db, run.runId, step.id, outcome.attempt, fresh);
    if (outcome.jobId) {
      recordCompletion(db, { runId: run.runId, stepId: step.id, attempt: outcome.attempt, effectId: 'job' }, outcome.ok ? 'done' : 'failed', now);
    }
    for (const e of outcome.events) appendEvent(db, run.runId, step.id, outcome.attempt, e.kind, e.ts, e.data);
    if (outcome.ok) appendEvent(db, run.runId, step.id, outcome.attempt, 'phase.commit', now, { cacheHit: outcome.cacheHit });
    appendEvent(db, run.runId, step.id, outcome.attempt, `step.${decision.toLowerCase()}`, now, outcome.failureClass ? { failureClass: outcome.failureClass } : null);
    if (decision === 'PENDING' && outcome.failureClass === 'preempted') {
      // An explicit record of the requeue (attempt N preempted → attempt N+1) for views of the journal.
      appendEvent(db, run.runId, step.id, outcome.attempt, 'step.preempted', now, { nextAttempt: outcome.attempt + 1 });
    }
    appendEvent(db, run.runId, step.id, outcome.attempt, 'phase.checkpoint', now, null);
  });
}

/** Marks steps that can no longer run because an upstream step failed. */
export function commitUpstreamFailed(k: KernelServices, run: RunContext, stepIds: readonly string[], cause: Map<string, string>): Promise<void> {
  return k.journal.write((db) => {
    const now = k.now();
    if (run.lease) checkLease(db, run.lease, now);
    for (const id of stepIds) {
      updateStep(db, run.runId, id, { state: 'UPSTREAM_FAILED', ended_at: now, error: `upstream step "${cause.get(id)}" did not complete` });
      appendEvent(db, run.runId, id, null, 'step.upstream_failed', now, { cause: cause.get(id) });
    }
  });
}
