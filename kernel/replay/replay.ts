/**
 * Deterministic replay (K7): re-derives a run from its journal without executing any job.
 * Every step attempt goes through the same lifecycle code as a live run, but values that
 * were nondeterministic (job and skill results, cache lookups, the clock) come from the
 * recordings, and commits go to a scratch in-memory journal. The scratch step records are
 * then compared with the real ones, in topological order; the first difference is reported.
 */
import { canonicalJson } from '../common/canonical';
import { topoOrder } from '../common/dag';
import { TERMINAL_STEP_STATES, type Plan, type StepState } from '../common/plan';
import { effectiveDeps } from '../common/validate-plan';
import { KernelBus } from '../lifecycle/bus';
import { commitAttempt, commitUpstreamFailed } from '../lifecycle/commit';
import type { KernelServices, RunContext } from '../lifecycle/context';
import { runAttempt } from '../lifecycle/step-attempt';
import { withJournaledOom } from '../sched/recovery';
import { openDb } from '../store/db';
import { Journal } from '../store/journal';
import { decodeJson } from '../store/json-column';
import { listRecordings } from '../store/recordings-repo';
import { insertRun, type RunRow } from '../store/runs-repo';
import { getSteps, insertPendingSteps, type StepRow } from '../store/steps-repo';
import { DivergenceError, RecordingExhausted, Replayer } from './effects';

export interface Divergence {
  stepId: string | null;
  field: string;
  recorded: unknown;
  replayed: unknown;
}

export interface ReplayReport {
  runId: string;
  identical: boolean;
  divergence: Divergence | null;
  /** Steps compared (terminal in the journal). */
  compared: number;
  /** Steps the original run never finished (not compared). */
  unfinished: string[];
  /** Every plan step in the order replay visits them (topological). */
  steps: ReplayStep[];
}

/** identical: re-derived equal; diverged: the first divergence; not-reached: replay stopped before it; unfinished: never ended in the journal. */
export type ReplayStepStatus = 'identical' | 'diverged' | 'not-reached' | 'unfinished';

export interface ReplayStep {
  stepId: string;
  status: ReplayStepStatus;
}

const COMPARED: Array<keyof StepRow> = ['state', 'attempt', 'cache_key', 'cache_hit', 'failure_class', 'params_json', 'outputs_json'];

/** @example const report = await replayRun(kernel.services(), kernel.requireRun(id)) */
export async function replayRun(real: KernelServices, runRow: RunRow): Promise<ReplayReport> {
  const plan = JSON.parse(runRow.plan_json) as Plan;
  const realSteps = new Map(getSteps(real.journal.db, runRow.id).map((r) => [r.step_id, r]));
  const blobs = real.journal.blobs;
  const replayer = new Replayer(listRecordings(real.journal.db, runRow.id), (json) => decodeJson(json, blobs));

  const scratchDb = openDb(':memory:');
  const scratch: KernelServices = { ...real, journal: new Journal(scratchDb, blobs), dispatchers: new Map(), bus: new KernelBus() };
  scratch.journal.writeNow((db) => {
    insertRun(db, {
      id: runRow.id, name: runRow.name, experimentFile: runRow.experiment_file, experimentDigest: runRow.experiment_digest,
      planJson: runRow.plan_json, planDigest: runRow.plan_digest, createdAt: runRow.created_at,
    });
    insertPendingSteps(db, runRow.id, plan.steps.map((s) => s.id));
  });
  const run: RunContext = {
    runId: runRow.id, plan, lease: null, effects: replayer, startedAt: runRow.started_at ?? runRow.created_at,
    signal: new AbortController().signal,
  };

  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const derived = new Map<string, StepState>();
  const upstream = new Map<string, Record<string, unknown>>();
  const unfinished: string[] = [];
  const order = topoOrder(plan.steps.map((s) => ({ id: s.id, deps: effectiveDeps(s) })));
  const status = new Map<string, ReplayStepStatus>();
  let current = '';
  const report = (divergence: Divergence | null, compared: number): ReplayReport => {
    scratchDb.close();
    if (divergence) status.set(divergence.stepId ?? current, 'diverged');
    const steps = order.map((stepId) => ({ stepId, status: status.get(stepId) ?? (isUnfinished(realSteps.get(stepId)) ? 'unfinished' : 'not-reached') }));
    return { runId: runRow.id, identical: divergence === null, divergence, compared, unfinished, steps };
  };

  let compared = 0;
  for (const id of order) {
    const step = byId.get(id);
    const realRow = realSteps.get(id);
    current = id;
    if (!step || !realRow || isUnfinished(realRow)) {
      unfinished.push(id);
      status.set(id, 'unfinished');
      continue;
    }
    // An all_done step ran whatever its dependencies' outcome; which of them it saw
    // completed is in its recordings.
    const failedDep = step.trigger === 'all_done' ? undefined : effectiveDeps(step).find((d) => derived.get(d) !== 'COMPLETED');
    if (failedDep) {
      derived.set(id, 'UPSTREAM_FAILED');
      await commitUpstreamFailed(scratch, run, [id], new Map([[id, failedDep]]));
    } else {
      try {
        for (let attempt = 1; attempt <= realRow.attempt; attempt++) {
          // The step as this attempt ran: an OOM retry may have changed params/resources (journaled).
          const ran = withJournaledOom(real.journal.db, runRow.id, step, attempt);
          const outcome = await runAttempt(scratch, run, ran, attempt, upstream);
          const last = attempt === realRow.attempt;
          const decision = !last ? 'PENDING' : outcome.ok ? 'COMPLETED' : 'FAILED';
          await commitAttempt(scratch, run, ran, outcome, decision);
          derived.set(id, decision === 'PENDING' ? 'RUNNING' : decision);
          if (last && outcome.ok && outcome.outputs) upstream.set(id, outcome.outputs);
        }
      } catch (err) {
        if (err instanceof DivergenceError) return report({ stepId: err.stepId, field: err.field, recorded: err.recorded, replayed: err.replayed }, compared);
        if (err instanceof RecordingExhausted) {
          return report({ stepId: id, field: 'recordings', recorded: `journal ends at ${err.scope}`, replayed: 'the lifecycle asked for another recorded value' }, compared);
        }
        throw err;
      }
    }
    const replayedRow = getSteps(scratchDb, runRow.id).find((r) => r.step_id === id);
    compared++;
    const d = compareRows(id, realRow, replayedRow, blobs);
    if (d) return report(d, compared);
    status.set(id, 'identical');
  }
  return report(null, compared);
}

function isUnfinished(row: StepRow | undefined): boolean {
  return !row || !TERMINAL_STEP_STATES.has(row.state) || row.state === 'ABORTED';
}

function compareRows(stepId: string, real: StepRow, replayed: StepRow | undefined, blobs: KernelServices['journal']['blobs']): Divergence | null {
  if (!replayed) return { stepId, field: 'state', recorded: real.state, replayed: 'missing' };
  for (const field of COMPARED) {
    if (field.endsWith('_json')) {
      const a = decodeJson<unknown>(real[field] as string | null, blobs);
      const b = decodeJson<unknown>(replayed[field] as string | null, blobs);
      if (canonicalJson(a) !== canonicalJson(b)) return firstDifference(stepId, field.replace('_json', ''), a, b);
    } else if (real[field] !== replayed[field]) {
      return { stepId, field, recorded: real[field], replayed: replayed[field] };
    }
  }
  return null;
}

/** Narrows a difference down to the first differing key, e.g. `outputs.result`. */
function firstDifference(stepId: string, path: string, a: unknown, b: unknown): Divergence {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const va = (a as Record<string, unknown>)[k];
      const vb = (b as Record<string, unknown>)[k];
      if (canonicalJson(va ?? null) !== canonicalJson(vb ?? null)) return firstDifference(stepId, `${path}.${k}`, va, vb);
    }
  }
  return { stepId, field: path, recorded: a, replayed: b };
}
