import { describe, expect, it } from 'vitest';
import { RandomSampler } from './random';
import { choice, int, logUniform, uniform, type Params, type Space } from './space';
import { runStudy } from './study';
import { branin, quadratic } from './test-functions';
import { TpeSampler } from './tpe';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const SEEDS = Array.from({ length: 15 }, (_, i) => i + 1);

function compare(fn: { space: Space; f: (p: Params) => number }, budget: number): { tpe: number; random: number } {
  const f = fn.f;
  const tpe = median(SEEDS.map((seed) => runStudy(new TpeSampler(fn.space, { seed }), f, budget).best));
  const random = median(SEEDS.map((seed) => runStudy(new RandomSampler(fn.space, { seed }), f, budget).best));
  return { tpe, random };
}

describe('TPE vs random search, same budget, median over 15 seeds', () => {
  it('wins on a quadratic', () => {
    const r = compare(quadratic, 40);
    expect(r.tpe).toBeLessThan(r.random);
  });
  it('wins on Branin', () => {
    const r = compare(branin, 50);
    expect(r.tpe).toBeLessThan(r.random);
  });
  it('maximizes when asked', () => {
    const neg = (p: Params): number => -quadratic.f(p);
    const best = median(SEEDS.map((seed) => runStudy(new TpeSampler(quadratic.space, { seed, direction: 'maximize' }), neg, 40, 'maximize').best));
    const rnd = median(SEEDS.map((seed) => runStudy(new RandomSampler(quadratic.space, { seed }), neg, 40, 'maximize').best));
    expect(best).toBeGreaterThan(rnd);
  });
  it('learns ints and categoricals', () => {
    const space: Space = { n: int(0, 20), c: choice(['a', 'b', 'c', 'd']) };
    const f = (p: Params): number => Math.abs((p.n as number) - 13) + (p.c === 'c' ? 0 : 5);
    const s = new TpeSampler(space, { seed: 3 });
    runStudy(s, f, 60);
    const late = s.history.slice(40);
    expect(late.filter((t) => t.params.c === 'c').length).toBeGreaterThan(10);
    expect(Math.min(...s.history.map((t) => t.value))).toBe(0);
  });
});

describe('TPE options', () => {
  it('refine keeps suggestions in range, replays by seed, and leaves the default draws untouched', () => {
    const space: Space = { x: uniform(-5, 10), lr: logUniform(1e-5, 1e-1), n: int(1, 8) };
    const f = (p: Params): number => ((p.x as number) - 1) ** 2 + Math.log10(p.lr as number) ** 2 + (p.n as number);
    const run = (opts: object): Params[] => {
      const s = new TpeSampler(space, { seed: 7, ...opts });
      runStudy(s, f, 30);
      return s.history.map((t) => t.params);
    };
    const refined = run({ refine: { steps: 8, scale: 0.02 } });
    expect(run({ refine: { steps: 8, scale: 0.02 } })).toEqual(refined);
    for (const p of refined) {
      expect(p.x as number).toBeGreaterThanOrEqual(-5);
      expect(p.x as number).toBeLessThanOrEqual(10);
      expect(p.lr as number).toBeGreaterThanOrEqual(1e-5);
      expect(p.lr as number).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(p.n)).toBe(true);
    }
    expect(run({ refine: { steps: 0, scale: 0.02 } })).toEqual(run({}));
  });
});
