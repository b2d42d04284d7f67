import { describe, expect, it } from 'vitest';
import { suggestBatch, type HistoryTrial } from './batch';
import { choice, uniform, type Params, type Space } from './space';
import { branin } from './test-functions';
import { TpeSampler } from './tpe';

const space: Space = { x: uniform(-5, 5), c: choice(['a', 'b']) };
const f = (p: Params): number => ((p.x as number) - 1) ** 2 + (p.c === 'a' ? 0 : 1);
const hist = (n: number, seed = 9): HistoryTrial[] => {
  const out: HistoryTrial[] = [];
  for (let i = 0; i < n; i++) {
    const [p] = suggestBatch({ space, direction: 'minimize', history: out, n: 1, seed, sampler: 'random' });
    out.push({ params: p!, value: f(p!) });
  }
  return out;
};

describe('suggestBatch', () => {
  it('is deterministic in (seed, history) and changes with either', () => {
    const h = hist(15);
    const a = suggestBatch({ space, direction: 'minimize', history: h, n: 3, seed: 1, sampler: 'tpe' });
    expect(suggestBatch({ space, direction: 'minimize', history: h, n: 3, seed: 1, sampler: 'tpe' })).toEqual(a);
    expect(suggestBatch({ space, direction: 'minimize', history: h, n: 3, seed: 2, sampler: 'tpe' })).not.toEqual(a);
    expect(suggestBatch({ space, direction: 'minimize', history: h.slice(1), n: 3, seed: 1, sampler: 'tpe' })).not.toEqual(a);
    const r = suggestBatch({ space, direction: 'minimize', history: [], n: 2, seed: 1, sampler: 'random' });
    expect(suggestBatch({ space, direction: 'minimize', history: h.slice(0, 2), n: 2, seed: 1, sampler: 'random' })).not.toEqual(r);
  });

  it('gives distinct suggestions within a batch, in the startup phase and after it', () => {
    for (const h of [[], hist(20)]) {
      const batch = suggestBatch({ space, direction: 'minimize', history: h, n: 6, seed: 3, sampler: 'tpe' });
      expect(batch).toHaveLength(6);
      expect(new Set(batch.map((p) => p.x)).size).toBe(6);
      for (const p of batch) expect(p.x as number).toBeGreaterThanOrEqual(-5);
    }
  });

  it('skips failed trials and counts pruned ones by their last intermediate value', () => {
    const h = hist(12);
    const withFailed: HistoryTrial[] = [...h, { params: { x: 0, c: 'a' }, value: null }, { params: { x: 99, c: 'a' }, value: 1 }];
    // A failed trial and one outside the space change nothing but the seed mixing.
    const base = new TpeSampler(space, { seed: 1 });
    for (const t of h) base.tell(t.params, t.value!);
    expect(base.nFinished).toBe(12);
    const pruned: HistoryTrial = { params: { x: 4, c: 'b' }, value: null, pruned: true, curve: [[1, 30], [2, 25]] };
    const s = new TpeSampler(space, { seed: 1 });
    s.tellPruned(pruned.params, { step: 2, value: 25 });
    expect(s.nFinished).toBe(1);
    expect(suggestBatch({ space, direction: 'minimize', history: withFailed, n: 2, seed: 1, sampler: 'tpe' })).toHaveLength(2);
    expect(suggestBatch({ space, direction: 'minimize', history: [...h, pruned], n: 2, seed: 1, sampler: 'tpe' })).toHaveLength(2);
  });

  it('beats random search on Branin with batches of 2 (same 40-trial budget, median over 15 seeds)', () => {
    const run = (sampler: 'tpe' | 'random', seed: number): number => {
      const history: HistoryTrial[] = [];
      while (history.length < 40) {
        for (const p of suggestBatch({ space: branin.space, direction: 'minimize', history, n: 2, seed, sampler })) history.push({ params: p, value: branin.f(p) });
      }
      return Math.min(...history.map((t) => t.value!));
    };
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const seeds = Array.from({ length: 15 }, (_, i) => i);
    const tpe = median(seeds.map((s) => run('tpe', s)));
    const random = median(seeds.map((s) => run('random', s)));
    expect(tpe).toBeLessThan(random);
  });
});
