import { describe, expect, it } from 'vitest';
import { alignSeries, positiveOnly } from './series';
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
  it('turns non-positive values into gaps for log scale', () => {
    expect(positiveOnly([1, 0, -2, null, 3])).toEqual([1, null, null, null, 3]);
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
