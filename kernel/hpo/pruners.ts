/**
 * Early stopping: a trial reports intermediate values (loss after epoch `step`, say) and
 * the pruner answers whether to keep training. Median rule and ASHA follow Optuna's
 * MedianPruner and SuccessiveHalvingPruner.
 */
import type { Direction } from './space';

export type Decision = 'continue' | 'prune';

export interface Pruner {
  report(trialId: string, step: number, value: number): Decision;
  /** The trial finished normally; its curve now counts as a reference. */
  complete(trialId: string): void;
}

/** True if `a` is strictly worse than `b` for the direction. */
export const worse = (direction: Direction, a: number, b: number): boolean => (direction === 'minimize' ? a > b : a < b);

/** Median with the two middle values averaged (numpy's 50th percentile). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Median rule: prune at step s when the value is worse than the median of the completed
 * trials' values at s — once `nStartupTrials` trials completed and from step `nWarmupSteps` on.
 * `new MedianPruner({ nStartupTrials: 5 }).report('t7', 3, 0.42)` → 'continue' | 'prune'.
 */
export class MedianPruner implements Pruner {
  private readonly direction: Direction;
  private readonly nStartupTrials: number;
  private readonly nWarmupSteps: number;
  private readonly curves = new Map<string, Map<number, number>>();
  private readonly completed = new Set<string>();

  constructor(opts: { direction?: Direction; nStartupTrials?: number; nWarmupSteps?: number } = {}) {
    this.direction = opts.direction ?? 'minimize';
    this.nStartupTrials = opts.nStartupTrials ?? 5;
    this.nWarmupSteps = opts.nWarmupSteps ?? 0;
  }

  report(trialId: string, step: number, value: number): Decision {
    let curve = this.curves.get(trialId);
    if (!curve) this.curves.set(trialId, (curve = new Map()));
    curve.set(step, value);
    if (Number.isNaN(value)) return 'prune';
    if (step < this.nWarmupSteps || this.completed.size < this.nStartupTrials) return 'continue';
    const ref: number[] = [];
    for (const id of this.completed) {
      const v = this.curves.get(id)?.get(step);
      if (v !== undefined && !Number.isNaN(v)) ref.push(v);
    }
    if (ref.length === 0) return 'continue';
    return worse(this.direction, value, median(ref)) ? 'prune' : 'continue';
  }

  complete(trialId: string): void {
    if (this.curves.has(trialId)) this.completed.add(trialId);
  }
}

/**
 * ASHA (asynchronous successive halving): rung k sits at resource
 * `minResource · η^(minEarlyStoppingRate + k)`. A trial reaching a rung is promoted only if its
 * value is in the top ⌊n/η⌋ of the n values recorded at that rung so far (the best one while
 * n < η, since a trial cannot be paused and resumed later); otherwise it is pruned.
 */
export class AshaPruner implements Pruner {
  private readonly direction: Direction;
  private readonly minResource: number;
  private readonly eta: number;
  private readonly rate: number;
  private readonly rungs: number[][] = [];
  private readonly nextRung = new Map<string, number>();

  constructor(opts: { direction?: Direction; minResource?: number; reductionFactor?: number; minEarlyStoppingRate?: number } = {}) {
    this.direction = opts.direction ?? 'minimize';
    this.minResource = opts.minResource ?? 1;
    this.eta = opts.reductionFactor ?? 3;
    this.rate = opts.minEarlyStoppingRate ?? 0;
    if (!(this.minResource > 0) || !(this.eta >= 2)) throw new Error('ASHA needs minResource > 0 and reductionFactor ≥ 2');
  }

  /** Resource (step) at which rung k is judged. */
  rungStep(k: number): number {
    return this.minResource * this.eta ** (this.rate + k);
  }

  report(trialId: string, step: number, value: number): Decision {
    let k = this.nextRung.get(trialId) ?? 0;
    while (step >= this.rungStep(k)) {
      if (Number.isNaN(value)) return 'prune';
      const rung = (this.rungs[k] ??= []);
      rung.push(value);
      this.nextRung.set(trialId, k + 1);
      if (!this.promotable(value, rung)) return 'prune';
      k++;
    }
    return 'continue';
  }

  complete(): void {
    // Rung values are recorded as trials report; completion adds nothing.
  }

  private promotable(value: number, competing: number[]): boolean {
    return !worse(this.direction, value, promotionThreshold(this.direction, this.eta, competing));
  }
}

/** The worst value still in the top ⌊n/η⌋ of a rung's n values (the best one while n < η). */
export function promotionThreshold(direction: Direction, eta: number, competing: readonly number[]): number {
  const idx = Math.max(0, Math.floor(competing.length / eta) - 1);
  const sorted = [...competing].sort((a, b) => (direction === 'minimize' ? a - b : b - a));
  return sorted[idx]!;
}
