import { describe, expect, it } from 'vitest';
import { barDomain, formatScalar, frac, isHash, paramCount, paramRows, splitKey, without, type CompareRun } from './compare-model';
import { buildAxis, metricColor, passesBrushes, polylines, position, ticks } from './parallel-coords';

const run = (id: string, params: CompareRun['params']): CompareRun => ({ id, name: id, state: 'COMPLETED', createdAt: 0, tags: [], params, metrics: {} });

describe('compare model', () => {
  it('splits a metric key at the first dot only (step ids hold none, names may)', () => {
    expect(splitKey('train.val.loss')).toEqual({ stepId: 'train', name: 'val.loss' });
    expect(splitKey('loss')).toEqual({ stepId: '', name: 'loss' });
  });

  it('recognises sha256 hashes, prefixed or bare, and nothing shorter', () => {
    expect(isHash(`sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isHash('b'.repeat(64))).toBe(true);
    expect(isHash('a'.repeat(63))).toBe(false);
    expect(isHash(42)).toBe(false);
  });

  it('formats scalars: absent as a dash, numbers short, strings bare', () => {
    expect(formatScalar(undefined)).toBe('—');
    expect(formatScalar(0.1 + 0.2)).toBe('0.3');
    expect(formatScalar('x')).toBe('x');
    expect(formatScalar(null)).toBe('null');
    expect(formatScalar(true)).toBe('true');
  });

  it('param rows: union of keys sorted, absent values undefined, only-differences filter', () => {
    const runs = [run('a', { 't.lr': 0.1, 't.seed': 1 }), run('b', { 't.lr': 0.2, 't.seed': 1, 't.extra': 'x' })];
    const all = paramRows(runs, ['t.extra', 't.lr'], false);
    expect(all.map((r) => r.key)).toEqual(['t.extra', 't.lr', 't.seed']);
    expect(all[0]?.values).toEqual([undefined, 'x']);
    expect(all.map((r) => r.differs)).toEqual([true, true, false]);
    expect(paramRows(runs, ['t.lr'], true).map((r) => r.key)).toEqual(['t.lr']);
    expect(paramCount(runs)).toBe(3);
    expect(without(['a', 'b', 'c'], 'b')).toEqual(['a', 'c']);
  });

  it('bar domain starts at 0 for positive values near it, spans negatives, is never empty', () => {
    expect(barDomain([{ mean: 0.3, lo: 0.1, hi: 0.9 }])).toEqual({ lo: 0, hi: 0.9 });
    expect(barDomain([{ mean: 0.8, lo: 0.7, hi: 0.9 }])).toEqual({ lo: 0.7, hi: 0.9 });
    expect(barDomain([{ mean: 100, lo: 99, hi: 101 }])).toEqual({ lo: 99, hi: 101 });
    expect(barDomain([{ mean: -2, lo: -3, hi: 1 }])).toEqual({ lo: -3, hi: 1 });
    const one = barDomain([{ mean: 5, lo: null, hi: null }]);
    expect(one.hi).toBeGreaterThan(one.lo);
    expect(barDomain([])).toEqual({ lo: 0, hi: 1 });
    expect(frac(5, { lo: 0, hi: 10 })).toBe(0.5);
    expect(frac(20, { lo: 0, hi: 10 })).toBe(1);
  });
});

describe('parallel coordinates', () => {
  const runs = [
    { id: 'a', values: { lr: 0.1, opt: 'adam', m: 1 } },
    { id: 'b', values: { lr: 0.3, opt: 'sgd', m: 3 } },
    { id: 'c', values: { lr: 0.2, m: 2 } },
  ];

  it('numeric axes span min..max; categorical axes order their values; a missing value has no position', () => {
    const lr = buildAxis('lr', runs);
    expect(lr).toMatchObject({ kind: 'number', min: 0.1, max: 0.3 });
    expect(position(lr, 0.2)).toBeCloseTo(0.5);
    const opt = buildAxis('opt', runs);
    expect(opt).toMatchObject({ kind: 'category', categories: ['adam', 'sgd'] });
    expect(position(opt, 'sgd')).toBe(1);
    expect(position(opt, undefined)).toBeNull();
    expect(ticks(opt).map((t) => t.label)).toEqual(['adam', 'sgd']);
  });

  it('a single-valued axis puts its value in the middle', () => {
    const same = buildAxis('x', [{ id: 'a', values: { x: 4 } }, { id: 'b', values: { x: 4 } }]);
    expect(position(same, 4)).toBe(0.5);
    expect(ticks(same)).toEqual([{ at: 0.5, label: '4' }]);
  });

  it('numbers mixed with strings make a categorical axis with numeric ordering', () => {
    const ax = buildAxis('k', [{ id: 'a', values: { k: '10' } }, { id: 'b', values: { k: 9 } }]);
    expect(ax.kind).toBe('category');
    expect(ax.categories).toEqual(['9', '10']);
  });

  it('one polyline per run; a missing value breaks the line', () => {
    const axes = ['lr', 'opt', 'm'].map((k) => buildAxis(k, runs));
    const lines = polylines(axes, runs, 300, 100, { x: 10, y: 10 });
    expect(lines.map((l) => l.segments.length)).toEqual([1, 1, 2]);
    expect(lines[0]?.segments[0]).toBe('10.0,90.0 150.0,90.0 290.0,90.0');
    expect(lines[1]?.segments[0]).toBe('10.0,10.0 150.0,10.0 290.0,10.0');
  });

  it('brushing keeps only the runs inside every brushed range', () => {
    const axes = ['lr', 'opt'].map((k) => buildAxis(k, runs));
    const kept = (b: Record<string, [number, number]>) => runs.filter((r) => passesBrushes(axes, r, b)).map((r) => r.id);
    expect(kept({})).toEqual(['a', 'b', 'c']);
    expect(kept({ lr: [0.4, 1] })).toEqual(['b', 'c']);
    // c has no optimizer: a brush on that axis drops it.
    expect(kept({ lr: [0.4, 1], opt: [0, 1] })).toEqual(['b']);
  });

  it('metric colours run from blue to amber, grey without a value', () => {
    expect(metricColor(0)).toBe('#3b6ef5');
    expect(metricColor(1)).toBe('#f59e0b');
    expect(metricColor(0.5)).toBe('#10b981');
    expect(metricColor(null)).toBe('#8a94a6');
  });
});
