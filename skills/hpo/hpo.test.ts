/** The hpo-suggest skill: params validation, hydrated history with nulls, outputs. */
import { describe, expect, it } from 'vitest';
import type { SkillContext } from '../../kernel/skills/api';
import { hpoSuggestParams, hpoSuggestSkill, parseHistory } from './index';

const space = { lr: { type: 'loguniform', low: 1e-5, high: 1e-1 }, layers: { type: 'int', low: 1, high: 4 } };
const ctx = (history: unknown): SkillContext =>
  ({ runId: 'r', stepId: 's', attempt: 1, baseDir: '.', inputs: { history }, log: () => undefined }) as unknown as SkillContext;
const run = (params: Record<string, unknown>, history: unknown) => hpoSuggestSkill.run(hpoSuggestParams.parse(params) as Record<string, unknown>, ctx(history));

describe('hpo-suggest params', () => {
  it('names the field of each problem', () => {
    const bad = hpoSuggestParams.safeParse({ space: { lr: { type: 'loguniform', low: 0, high: 1 } }, n: 0, sampler: 'cma' });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['space.lr.low', 'n', 'sampler']));
    const noMax = hpoSuggestParams.safeParse({ space, n: 2, pruner: { type: 'median' } });
    expect(noMax.error?.issues[0]).toMatchObject({ path: ['maxStep'], message: expect.stringContaining('maxStep') });
    const asha = hpoSuggestParams.safeParse({ space, n: 2, pruner: { type: 'asha' }, maxStep: 10 });
    expect(asha.error?.issues[0]?.message).toContain('minResource');
  });
  it('accepts what the sweep expander emits (the whole pruner block, reductionFactor defaulted)', () => {
    const p = hpoSuggestParams.parse({ space, direction: 'minimize', n: 1, seed: 7, batch: 2, sampler: 'tpe', pruner: { type: 'asha', metric: 'val_loss', direction: 'minimize', maxStep: 150, evalEvery: 25, minResource: 25 }, maxStep: 150, evalEvery: 25 });
    expect(p.pruner).toMatchObject({ type: 'asha', minResource: 25, reductionFactor: 3 });
  });
});

describe('hpo-suggest history', () => {
  it('drops nulls, failed trials and half-hydrated params; keeps pruned ones with their curve', () => {
    const h = parseHistory([
      null,
      { params: null, value: null, pruned: null, curve: null },
      { params: { lr: 0.01, layers: 2 }, value: null, pruned: false, curve: null }, // failed
      { params: { lr: null, layers: 2 }, value: 1 },
      { params: { lr: 0.01, layers: 2 }, value: 0.5, pruned: false, curve: { val_loss: [[10, 0.9], [20, 0.5]], train_loss: [[10, 1]] } },
      { params: { lr: 0.02, layers: 3 }, value: null, pruned: true, curve: [[10, 2], null, { step: 20, value: 1.5 }] },
      'garbage',
    ]);
    expect(h).toEqual([
      { params: { lr: 0.01, layers: 2 }, value: 0.5, curve: [[10, 0.9], [20, 0.5]] },
      { params: { lr: 0.02, layers: 3 }, value: null, pruned: true, curve: [[10, 2], [20, 1.5]] },
    ]);
    expect(parseHistory(null)).toEqual([]);
    expect(() => parseHistory({ not: 'a list' })).toThrow(/history/);
  });
});

describe('hpo-suggest run', () => {
  it('suggests n valid, distinct trials; deterministic; the batch index changes them', async () => {
    const a = await run({ space, n: 3, seed: 1, batch: 0 }, []);
    expect(a.historySize).toBe(0);
    expect(a.prune).toBeNull();
    const trials = a.trials as Array<{ lr: number; layers: number }>;
    expect(trials).toHaveLength(3);
    expect(new Set(trials.map((t) => t.lr)).size).toBe(3);
    for (const t of trials) expect(Number.isInteger(t.layers) && t.lr >= 1e-5 && t.lr <= 1e-1).toBe(true);
    expect(await run({ space, n: 3, seed: 1, batch: 0 }, [])).toEqual(a);
    expect((await run({ space, n: 3, seed: 1, batch: 1 }, [])).trials).not.toEqual(a.trials);
    expect(hpoSuggestSkill.outputs.safeParse(a).success).toBe(true);
  });

  it('learns from a history with failed trials and emits the pruning block the trainer reads', async () => {
    const history = Array.from({ length: 12 }, (_, i) => {
      const lr = 10 ** (-5 + (4 * i) / 11);
      if (i % 5 === 4) return { params: { lr, layers: 2 }, value: null, pruned: null, curve: null };
      const curve = [1, 2, 3, 4].map((k) => [25 * k, Math.abs(Math.log10(lr) + 3) + 1 / k]);
      return { params: { lr, layers: 2 }, value: curve[3]![1], pruned: false, curve: { val_loss: curve } };
    });
    const out = await run({ space, n: 2, seed: 3, batch: 4, pruner: { type: 'median', nStartupTrials: 5 }, maxStep: 100, evalEvery: 25 }, history);
    expect(out.historySize).toBe(10);
    expect(out.trials).toHaveLength(2);
    const prune = out.prune as { metric: string; direction: string; rungs: Array<{ step: number; threshold: number }> };
    expect(prune).toMatchObject({ metric: 'val_loss', direction: 'minimize' });
    expect(prune.rungs.map((r) => r.step)).toEqual([25, 50, 75, 100]);
    expect(hpoSuggestSkill.outputs.safeParse(out).success).toBe(true);
  });
});
