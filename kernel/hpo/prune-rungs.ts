/**
 * Static pruning thresholds for the next batch of a sweep: a trial step cannot ask a live
 * pruner, so the suggest step precomputes, from the curves of earlier batches, the value a
 * trial must match at each rung. A trial whose metric at a rung's step is worse than the
 * threshold is pruned there. Same rules as MedianPruner and AshaPruner (pruners.ts).
 */
import type { HistoryTrial } from './batch';
import { median, promotionThreshold } from './pruners';
import type { Direction } from './space';

export type PrunerSpec =
  | { type: 'median'; nStartupTrials?: number; nWarmupSteps?: number; intervalSteps?: number }
  | { type: 'asha'; minResource: number; reductionFactor: number; minEarlyStoppingRate?: number };

export interface Rung {
  step: number;
  threshold: number;
}

export interface PruneRungsOptions {
  pruner: PrunerSpec;
  direction: Direction;
  history: readonly HistoryTrial[];
  /** Last step a trial reports (its full budget). */
  maxStep: number;
  /** Trials report at evalEvery, 2·evalEvery, … ≤ maxStep. */
  evalEvery: number;
}

/** The steps at which a trial reports its metric. */
export function evalSteps(maxStep: number, evalEvery: number): number[] {
  if (!(evalEvery > 0) || !(maxStep > 0)) return [];
  const out: number[] = [];
  for (let k = 1; k * evalEvery <= maxStep + 1e-9; k++) out.push(k * evalEvery);
  return out;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Thresholds for the next batch, ordered by step; empty while history is too thin.
 * Median: at each judged eval step, the median of the completed trials' values at that step
 * (once `nStartupTrials` (5) trials completed, from `nWarmupSteps` (0) on, every
 * `intervalSteps` (1)). ASHA: rung k at the first eval step ≥ minResource·η^(rate+k), threshold =
 * the worst value in the top ⌊n/η⌋ of the n earlier trials (completed or pruned) that reached it;
 * a rung reached by fewer than η trials is left out.
 * Example: `pruneRungs({ pruner: { type: 'median' }, direction: 'minimize', history, maxStep: 10, evalEvery: 1 })`.
 */
export function pruneRungs(opts: PruneRungsOptions): Rung[] {
  const steps = evalSteps(opts.maxStep, opts.evalEvery);
  const curves = opts.history.map((t) => ({ t, curve: (t.curve ?? []).filter(([s, v]) => finite(s) && finite(v)) }));
  const p = opts.pruner;
  if (p.type === 'median') {
    const completed = curves.filter(({ t }) => !t.pruned && t.value !== null && finite(t.value));
    if (completed.length < (p.nStartupTrials ?? 5)) return [];
    const warmup = p.nWarmupSteps ?? 0;
    const interval = Math.max(1, p.intervalSteps ?? 1);
    const rungs: Rung[] = [];
    let prev = -1;
    for (const s of steps) {
      // Optuna's interval rule: judge the first report at or after each pruning step.
      const nearestLower = Math.floor((s - warmup) / interval) * interval + warmup;
      const judged = s >= warmup && prev < nearestLower;
      prev = s;
      if (!judged) continue;
      const ref = completed.flatMap(({ curve }) => curve.filter(([cs]) => cs === s).map(([, v]) => v));
      if (ref.length > 0) rungs.push({ step: s, threshold: median(ref) });
    }
    return rungs;
  }
  const eta = p.reductionFactor;
  if (!(p.minResource > 0) || !(eta >= 2)) throw new Error('ASHA needs minResource > 0 and reductionFactor ≥ 2');
  const rungs: Rung[] = [];
  for (let k = 0; ; k++) {
    const resource = p.minResource * eta ** ((p.minEarlyStoppingRate ?? 0) + k);
    const step = steps.find((s) => s >= resource);
    if (step === undefined) break;
    if (rungs.some((r) => r.step === step)) continue;
    const values = curves.flatMap(({ curve }) => {
      const hit = curve.filter(([s]) => s >= resource).sort((a, b) => a[0] - b[0])[0];
      return hit ? [hit[1]] : [];
    });
    if (values.length >= eta) rungs.push({ step, threshold: promotionThreshold(opts.direction, eta, values) });
  }
  return rungs;
}
