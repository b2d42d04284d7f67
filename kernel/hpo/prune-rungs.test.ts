import { describe, expect, it } from 'vitest';
import type { HistoryTrial } from './batch';
import { evalSteps, pruneRungs } from './prune-rungs';

const trial = (curve: number[], opts: { pruned?: boolean; value?: number | null; every?: number } = {}): HistoryTrial => ({
  params: { x: 0 },
  value: opts.value === undefined ? curve[curve.length - 1]! : opts.value,
  ...(opts.pruned && { pruned: true }),
  curve: curve.map((v, i): [number, number] => [(i + 1) * (opts.every ?? 1), v]),
});

describe('pruneRungs: median', () => {
  const completed = [trial([10, 8, 6, 4]), trial([9, 7, 5, 3]), trial([11, 9, 7, 5]), trial([8, 6, 4, 2]), trial([12, 10, 8, 6])];

  it('thresholds are the completed trials’ medians at each eval step; pruned and failed trials are ignored', () => {
    const history = [...completed, trial([1, 1], { pruned: true, value: null }), trial([0, 0, 0, 0], { value: null })];
    expect(pruneRungs({ pruner: { type: 'median' }, direction: 'minimize', history, maxStep: 4, evalEvery: 1 })).toEqual([
      { step: 1, threshold: 10 },
      { step: 2, threshold: 8 },
      { step: 3, threshold: 6 },
      { step: 4, threshold: 4 },
    ]);
  });
  it('averages the two middle values, honours warm-up and interval, and is empty before n startup trials', () => {
    const history = completed.slice(0, 4).map((t) => ({ ...t, curve: t.curve!.map(([s, v]): [number, number] => [s * 10, v]) }));
    expect(pruneRungs({ pruner: { type: 'median', nStartupTrials: 4, nWarmupSteps: 10, intervalSteps: 20 }, direction: 'maximize', history, maxStep: 40, evalEvery: 10 })).toEqual([
      { step: 10, threshold: 9.5 },
      { step: 30, threshold: 5.5 },
    ]);
    expect(pruneRungs({ pruner: { type: 'median' }, direction: 'minimize', history, maxStep: 40, evalEvery: 10 })).toEqual([]);
  });
});

describe('pruneRungs: ASHA', () => {
  it('rungs at minResource·η^k; threshold = worst of the top ⌊n/η⌋ among the trials (completed or pruned) that reached the rung', () => {
    const flat = (v: number, n = 9): number[] => Array.from({ length: n }, () => v);
    const history = [
      trial(flat(5)),
      trial(flat(3)),
      trial(flat(4, 1), { pruned: true, value: null }), // pruned at rung 0 (step 1)
      trial(flat(1)),
      trial(flat(6, 1), { pruned: true, value: null }),
      trial(flat(2, 3), { pruned: true, value: null }), // reached rung 1 (step 3), pruned there
    ];
    // Rung 0 (step 1): {5,3,4,1,6,2} → top 2 = {1,2} → 2. Rung 1 (step 3): {5,3,1,2} → top 1 → 1.
    // Rung 2 (step 9): {5,3,1} → top 1 → 1.
    expect(pruneRungs({ pruner: { type: 'asha', minResource: 1, reductionFactor: 3 }, direction: 'minimize', history, maxStep: 9, evalEvery: 1 })).toEqual([
      { step: 1, threshold: 2 },
      { step: 3, threshold: 1 },
      { step: 9, threshold: 1 },
    ]);
    expect(pruneRungs({ pruner: { type: 'asha', minResource: 1, reductionFactor: 3 }, direction: 'maximize', history, maxStep: 9, evalEvery: 1 })).toEqual([
      { step: 1, threshold: 5 },
      { step: 3, threshold: 5 },
      { step: 9, threshold: 5 },
    ]);
  });
  it('judges a rung at the first eval step at or past its resource, and leaves out rungs fewer than η trials reached', () => {
    const history = [trial([4, 3, 2, 1], { every: 25 }), trial([5, 4, 3, 2], { every: 25 }), trial([6, 5], { every: 25, pruned: true, value: null })];
    // Rungs at 10·2^1 = 20 → step 25 and 40 → step 50 (η = 2, rate 1); 80 → step 100 reached by 2 trials.
    expect(pruneRungs({ pruner: { type: 'asha', minResource: 10, reductionFactor: 2, minEarlyStoppingRate: 1 }, direction: 'minimize', history, maxStep: 100, evalEvery: 25 })).toEqual([
      { step: 25, threshold: 4 },
      { step: 50, threshold: 3 },
      { step: 100, threshold: 1 },
    ]);
    expect(pruneRungs({ pruner: { type: 'asha', minResource: 1, reductionFactor: 3 }, direction: 'minimize', history: history.slice(0, 2), maxStep: 100, evalEvery: 25 })).toEqual([]);
    expect(evalSteps(100, 25)).toEqual([25, 50, 75, 100]);
  });
});
