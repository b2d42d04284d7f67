import { describe, expect, it } from 'vitest';
import { alignSeries, overlaySeries, PALETTE, positiveOnly, runLabels, seriesColor } from './series';
import { parseParamFilter, shortDigest, formatDuration } from './format';

describe('series alignment', () => {
  it('unions x values and keeps each series min/max raw while smoothing the mean', () => {
    const a = alignSeries(
      [
        { label: 'a', x: [0, 2], y: [1, 100], min: [1, 0], max: [1, 1000] },
        { label: 'b', x: [1, 2], y: [5, 5], min: [5, 5], max: [5, 5] },
      ],
      0.9,
    );
    expect(a.x).toEqual([0, 1, 2]);
    expect(a.points).toBe(4);
    expect(a.series[0]?.mean[1]).toBeNull();
    expect(a.series[0]?.max[2]).toBe(1000);
    expect(a.series[0]?.mean[2]).toBeLessThan(100);
    expect(a.series[1]?.mean[0]).toBeNull();
  });
  it('aligns runs with different x ranges on one shared axis', () => {
    // Run A logged steps 0..40 every 10; run B (compared) 100..130 every 15, bucket mid-points fractional.
    const a = alignSeries(
      [
        { label: 'A', x: [0, 10, 20, 30, 40], y: [5, 4, 3, 2, 1], min: [5, 4, 3, 2, 1], max: [5, 4, 3, 2, 1] },
        { label: 'B', x: [100, 115, 130, 7.5], y: [9, 8, 7, 6], min: [9, 8, 7, 6], max: [9, 8, 7, 6] },
      ],
      0,
    );
    expect(a.x).toEqual([0, 7.5, 10, 20, 30, 40, 100, 115, 130]);
    expect(a.series.map((s) => s.mean.length)).toEqual([9, 9]);
    expect(a.series[0]?.mean).toEqual([5, null, 4, 3, 2, 1, null, null, null]);
    expect(a.series[1]?.mean).toEqual([null, 6, null, null, null, null, 9, 8, 7]);
    expect(a.points).toBe(9);
  });
  it('shares x values two runs both have, and skips non-finite x', () => {
    const a = alignSeries(
      [
        { label: 'A', key: 'ka', x: [0, 1, 2], y: [1, 2, 3], min: [1, 2, 3], max: [1, 2, 3] },
        { label: 'A', key: 'kb', x: [1, 2, Number.NaN], y: [7, 8, 9], min: [7, 8, 9], max: [7, 8, 9] },
      ],
      0,
    );
    expect(a.x).toEqual([0, 1, 2]);
    expect(a.series[1]?.mean).toEqual([null, 7, 8]);
    expect(a.series.map((s) => s.key)).toEqual(['ka', 'kb']);
    expect(a.points).toBe(5);
  });
  it('smooths each run on its own points, not across the gaps of the shared axis', () => {
    const a = alignSeries(
      [
        { label: 'A', x: [0, 2, 4], y: [10, 10, 10], min: [10, 10, 10], max: [10, 10, 10] },
        { label: 'B', x: [1, 3, 5], y: [0, 0, 0], min: [0, 0, 0], max: [0, 0, 0] },
      ],
      0.9,
    );
    expect(a.series[0]?.mean.filter((v) => v !== null)).toEqual([10, 10, 10].map(() => expect.closeTo(10, 6)));
    expect(a.series[1]?.mean.filter((v) => v !== null)).toEqual([0, 0, 0]);
  });
  it('turns non-positive values into gaps for log scale', () => {
    expect(positiveOnly([1, 0, -2, null, 3])).toEqual([1, null, null, null, 3]);
  });
});

describe('runs overlaid', () => {
  const ser = (stepId: string, name: string) => ({ stepId, name, x: [0], y: [1], min: [1], max: [1] });
  it('keeps short labels for one run and names run · step · metric when comparing', () => {
    expect(overlaySeries([{ runId: 'r1', runLabel: 'base', series: [ser('fit', 'loss')] }]).map((s) => s.label)).toEqual(['loss']);
    expect(overlaySeries([{ runId: 'r1', runLabel: 'base', series: [ser('a', 'loss'), ser('b', 'loss')] }]).map((s) => s.label)).toEqual(['a/loss', 'b/loss']);
    const o = overlaySeries([
      { runId: 'r1', runLabel: 'base', series: [ser('fit', 'loss'), ser('fit', 'acc')] },
      { runId: 'r2', runLabel: 'lr=3e-4', series: [ser('fit', 'loss')] },
      { runId: 'r3', runLabel: 'empty', series: [] },
    ]);
    expect(o.map((s) => s.label)).toEqual(['base · fit · loss', 'base · fit · acc', 'lr=3e-4 · fit · loss']);
    expect(new Set(o.map((s) => s.key)).size).toBe(3);
  });
  it('tells runs of the same name apart by a short id', () => {
    const l = runLabels([
      { id: 'run-000001', name: 'sweep' },
      { id: 'run-000002', name: 'sweep' },
      { id: 'run-000003', name: 'other' },
    ]);
    expect(l.get('run-000001')).toBe('sweep #000001');
    expect(l.get('run-000002')).toBe('sweep #000002');
    expect(l.get('run-000003')).toBe('other');
  });
  it('gives every series its own colour', () => {
    const colours = Array.from({ length: 40 }, (_, i) => seriesColor(i));
    expect(colours.slice(0, PALETTE.length)).toEqual(PALETTE);
    expect(new Set(colours).size).toBe(40);
    for (const c of colours) expect(c).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('format helpers', () => {
  it('parses key=value param filters with types', () => {
    expect(parseParamFilter('rank=16')).toEqual({ key: 'rank', value: 16 });
    expect(parseParamFilter('use_lora = true')).toEqual({ key: 'use_lora', value: true });
    expect(parseParamFilter('model=gpt2')).toEqual({ key: 'model', value: 'gpt2' });
    expect(parseParamFilter('=3')).toBeNull();
    expect(parseParamFilter('noequals')).toBeNull();
  });
  it('shortens digests and formats durations', () => {
    expect(shortDigest(`sha256:${'ab'.repeat(32)}`)).toBe('abababababab');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(450)).toBe('450 ms');
    expect(formatDuration(65_000)).toBe('1m 5s');
  });
});
