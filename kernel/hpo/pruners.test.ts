import { describe, expect, it } from 'vitest';
import { AshaPruner, MedianPruner, type Pruner } from './pruners';

/** Runs each curve in order until pruned; returns trialId → step at which it was pruned. */
function drive(p: Pruner, curves: Record<string, number[]>): Record<string, number> {
  const pruned: Record<string, number> = {};
  for (const [id, curve] of Object.entries(curves)) {
    let stopped = false;
    for (let s = 0; s < curve.length && !stopped; s++) {
      if (p.report(id, s + 1, curve[s]!) === 'prune') {
        pruned[id] = s + 1;
        stopped = true;
      }
    }
    if (!stopped) p.complete(id);
  }
  return pruned;
}

describe('median rule', () => {
  const refs = { a: [10, 8, 6, 4], b: [9, 7, 5, 3], c: [11, 9, 7, 5], d: [8, 6, 4, 2], e: [12, 10, 8, 6] };
  it('prunes exactly the trials worse than the completed median, after warm-up', () => {
    // Medians per step: 10, 8, 6, 4.
    const pruned = drive(new MedianPruner({ nStartupTrials: 5, nWarmupSteps: 2 }), {
      ...refs,
      bad: [13, 11, 9, 7], // step 1 is warm-up; 11 > 8 at step 2
      late: [20, 8, 6.5, 1], // equal at step 2 is not worse; 6.5 > 6 at step 3
      equal: [10, 8, 6, 4], // never worse → completes and joins the reference (medians stay 8, 6, 4)
      good: [9, 7, 5, 3],
    });
    expect(pruned).toEqual({ late: 3, bad: 2 });
  });
  it('waits for n startup trials and honours maximize', () => {
    const pruned = drive(new MedianPruner({ nStartupTrials: 3, direction: 'maximize' }), {
      a: [1, 2],
      b: [0, 0],
      c: [5, 6], // only 2 completed before it: never judged
      d: [1, 1], // medians over a,b,c: 1, 2 → pruned at step 2
      e: [2, 3],
    });
    expect(pruned).toEqual({ d: 2 });
  });
});

describe('ASHA', () => {
  it('promotes the top 1/η of each rung and prunes the rest', () => {
    const asha = new AshaPruner({ minResource: 1, reductionFactor: 3 });
    expect([0, 1, 2].map((k) => asha.rungStep(k))).toEqual([1, 3, 9]);
    const flat = (v: number): number[] => Array.from({ length: 9 }, () => v);
    const pruned = drive(asha, { t0: flat(5), t1: flat(3), t2: flat(4), t3: flat(1), t4: flat(6), t5: flat(2) });
    // t2: rung 0 holds {5,3,4}, top ⌊3/3⌋=1 is 3 → pruned at 1. t4: {5,3,4,1,6} → pruned at 1.
    // t5: rung 0 {…,2}, top 2 = {1,2} → promoted; rung 1 {5,3,1,2}, top 1 = {1} → pruned at 3.
    expect(pruned).toEqual({ t2: 1, t4: 1, t5: 3 });
  });
  it('judges rungs at minResource·η^(rate+k) and supports maximize', () => {
    const asha = new AshaPruner({ minResource: 2, reductionFactor: 2, minEarlyStoppingRate: 1, direction: 'maximize' });
    expect(asha.rungStep(0)).toBe(4);
    const pruned = drive(asha, { a: [0, 0, 0, 5, 5, 5, 5, 5], b: [9, 9, 9, 4, 4, 4, 4, 4], c: [0, 0, 0, 6, 6, 6, 6, 6] });
    // rung 0 (step 4): a=5 alone → promoted; b=4 vs {5,4}: top 1 is 5 → pruned; c=6 vs {5,4,6}: top 1 → promoted.
    // rung 1 (step 8): a=5 alone → promoted; c=6 vs {5,6} → promoted.
    expect(pruned).toEqual({ b: 4 });
  });
});
