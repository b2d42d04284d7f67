import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1.5m', 90_000],
    [' 10s ', 10_000],
    [90, 90_000],
    [0.25, 250],
    [0, 0],
  ])('reads %j as %d ms', (input, ms) => {
    expect(parseDuration(input)).toEqual({ ms });
  });

  it.each([
    ['10 minutes', 'expected a duration such as 30s or 5m, got "10 minutes"'],
    ['-5s', 'expected a duration such as 30s or 5m, got "-5s"'],
    ['30', 'expected a duration such as 30s or 5m, got "30"'],
    ['5 s', 'expected a duration such as 30s or 5m, got "5 s"'],
    ['1e3ms', 'expected a duration such as 30s or 5m, got "1e3ms"'],
    [-5, 'expected a duration ≥ 0, got -5'],
    [Number.POSITIVE_INFINITY, 'expected a duration ≥ 0, got Infinity'],
    [null, 'expected a duration such as 30s or 5m, got nothing'],
    [[1], 'expected a duration such as 30s or 5m, got a list'],
    [true, 'expected a duration such as 30s or 5m, got true'],
  ])('refuses %j', (input, error) => {
    expect(parseDuration(input)).toEqual({ error });
  });

  it('refuses a duration beyond safe integer milliseconds', () => {
    expect(parseDuration('9999999999999999h')).toEqual({ error: 'duration "9999999999999999h" is too long' });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1500, '1500ms'],
    [90_000, '90s'],
    [300_000, '5m'],
    [3_600_000, '1h'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
