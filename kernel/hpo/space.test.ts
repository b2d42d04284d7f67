import { describe, expect, it } from 'vitest';
import { GridSampler, gridPoints } from './grid';
import { RandomSampler } from './random';
import { Rng, choice, inDist, int, logUniform, parseSpace, uniform, type Params, type Space } from './space';
import { TpeSampler } from './tpe';

const space: Space = { lr: logUniform(1e-5, 1e-1), drop: uniform(0, 0.5), layers: int(1, 4), opt: choice(['adam', 'sgd', 'rmsprop']) };

describe('search space', () => {
  it('parses the YAML form and reports every problem with its path', () => {
    expect(parseSpace({ lr: { type: 'loguniform', low: 1e-4, high: 1 }, k: { type: 'choice', values: [1, 'a'] } }).lr).toEqual({ type: 'loguniform', low: 1e-4, high: 1 });
    expect(() => parseSpace({ lr: { type: 'loguniform', low: 0, high: 1 } })).toThrow(/lr\.low: loguniform: low must be > 0/);
    expect(() => parseSpace({ a: { type: 'uniform', low: 2, high: 1 } })).toThrow(/a\.high: uniform: low \(2\) must be below high \(1\)/);
    expect(() => parseSpace({ n: { type: 'int', low: 1.5, high: 3 } })).toThrow(/n\.low: int: low and high must be integers/);
    expect(() => parseSpace({ c: { type: 'choice', values: [] } })).toThrow(/c\.values: choice needs at least one value/);
    expect(() => parseSpace({ x: { type: 'normal', low: 0, high: 1 } })).toThrow(/x/);
    expect(() => uniform(1, 1)).toThrow(/below/);
  });

  it('mulberry32 is reproducible and uniform enough', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 10000 }, () => a.next());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.01);
  });
});

describe.each([
  ['random', (seed: number) => new RandomSampler(space, { seed })],
  ['tpe', (seed: number) => new TpeSampler(space, { seed })],
])('%s sampler', (_name, make) => {
  const run = (seed: number): Params[] => {
    const s = make(seed);
    return Array.from({ length: 40 }, (_, i) => {
      const p = s.ask();
      s.tell(p, Math.log(p.lr as number) + (p.layers as number) * (p.drop as number) + (p.opt === 'sgd' ? 0 : 1) + i * 0);
      return p;
    });
  };
  it('stays inside its bounds', () => {
    for (const seed of [1, 2, 3]) for (const p of run(seed)) for (const [k, d] of Object.entries(space)) expect(inDist(d, p[k]!), `${k}=${String(p[k])}`).toBe(true);
  });
  it('is reproducible per seed and differs across seeds', () => {
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
});

describe('grid', () => {
  it('covers the product exactly once, first key slowest', () => {
    const pts = gridPoints({ a: [1, 2, 3], b: ['x', 'y'], c: [true, false] });
    expect(pts).toHaveLength(12);
    expect(new Set(pts.map((p) => JSON.stringify(p))).size).toBe(12);
    expect(pts.slice(0, 3)).toEqual([
      { a: 1, b: 'x', c: true },
      { a: 1, b: 'x', c: false },
      { a: 1, b: 'y', c: true },
    ]);
    const g = new GridSampler({ a: [1, 2], b: [3] });
    expect([g.ask(), g.ask(), g.ask()]).toEqual([{ a: 1, b: 3 }, { a: 2, b: 3 }, undefined]);
    expect(() => gridPoints({ a: [] })).toThrow(/"a" has no values/);
  });
});
