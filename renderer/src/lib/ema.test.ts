import { describe, expect, it } from 'vitest';
import { ema } from './ema';

describe('ema smoothing', () => {
  it('weight 0 is the identity', () => {
    expect(ema([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });
  it('is debiased: a constant series stays constant from the first point', () => {
    for (const v of ema([3, 3, 3, 3], 0.9)) expect(v).toBeCloseTo(3, 10);
  });
  it('damps a spike but keeps the trend', () => {
    const out = ema([0, 0, 0, 10, 0, 0], 0.6);
    expect(out[3]).toBeGreaterThan(0);
    expect(out[3]).toBeLessThan(10);
    expect(out[5]).toBeLessThan(out[3] as number);
  });
  it('passes non-finite values through', () => {
    const out = ema([1, Number.NaN, 1], 0.5);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[2]).toBeCloseTo(1, 10);
  });
});
