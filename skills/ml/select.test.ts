/** Selection statistics: t quantiles, mean/std/CI, ranking, ties, failed trials. */
import { describe, expect, it } from 'vitest';
import { selectBest, selectParams } from './select';
import { summarize, tQuantile975 } from './stats';

const p = (over: Record<string, unknown> = {}) => selectParams.parse({ metric: 'exact_match', direction: 'maximize', ...over });
const trial = (config: string, seed: number, value: number | null, params: Record<string, unknown> = { rank: Number(config.slice(1)) }) => ({ config, params, seed, value });

describe('tQuantile975', () => {
  it('matches the tables', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(2)).toBeCloseTo(4.303, 3);
    expect(tQuantile975(10)).toBeCloseTo(2.228, 3);
    expect(tQuantile975(30)).toBeCloseTo(2.042, 3);
  });

  it('continues smoothly past the table and tends to the normal quantile', () => {
    expect(tQuantile975(31)).toBeCloseTo(2.0395, 4);
    expect(tQuantile975(31)).toBeLessThan(tQuantile975(30));
    expect(tQuantile975(60)).toBeCloseTo(2.0003, 4);
    expect(tQuantile975(120)).toBeCloseTo(1.9799, 4);
    expect(tQuantile975(100000)).toBeCloseTo(1.96, 3);
    expect(() => tQuantile975(0)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('computes mean, sample std and the t-based half width', () => {
    const s = summarize([1, 2, 3]);
    expect(s.mean).toBe(2);
    expect(s.std).toBe(1);
    expect(s.ciHalf).toBeCloseTo(4.3026527 / Math.sqrt(3), 9);
    expect(summarize([1, 3]).ciHalf).toBeCloseTo(12.7062047, 6);
  });

  it('has no std or CI for one value', () => {
    expect(summarize([0.5])).toEqual({ n: 1, mean: 0.5, std: null, ciHalf: null });
  });
});

describe('selectBest', () => {
  it('ranks configs by mean in the direction and reports CIs and per-seed values', () => {
    const trials = [trial('r4', 0, 0.4), trial('r4', 1, 0.42), trial('r4', 2, 0.41), trial('r8', 0, 0.6), trial('r8', 1, 0.62), trial('r8', 2, 0.61)];
    const s = selectBest(trials, p());
    expect(s.winner).toMatchObject({ config: 'r8', params: { rank: 8 }, n: 3 });
    expect(s.winner?.mean).toBeCloseTo(0.61, 12);
    const half = (4.3026527 * 0.01) / Math.sqrt(3);
    expect(s.winner?.ci95?.[0]).toBeCloseTo(0.61 - half, 9);
    expect(s.winner?.ci95?.[1]).toBeCloseTo(0.61 + half, 9);
    expect(s.ranking.map((r) => [r.rank, r.config])).toEqual([[1, 'r8'], [2, 'r4']]);
    expect(s.ranking[0]?.values.map((v) => [v.seed, v.value])).toEqual([[0, 0.6], [1, 0.62], [2, 0.61]]);
    expect(s.ties).toEqual([]);
    expect(selectBest(trials, p({ direction: 'minimize' })).winner?.config).toBe('r4');
  });

  it('reports configs whose intervals overlap the winner as ties', () => {
    // r8 0.62 ± 0.0497 and r4 0.58 ± 0.0497 overlap; r16 0.11 is far below.
    const trials = [0.6, 0.62, 0.64].map((v, i) => trial('r8', i, v))
      .concat([0.56, 0.58, 0.6].map((v, i) => trial('r4', i, v)), [0.1, 0.11, 0.12].map((v, i) => trial('r16', i, v)));
    const s = selectBest(trials, p());
    expect(s.winner?.config).toBe('r8');
    expect(s.ties).toEqual(['r4']);
  });

  it('uses the tolerance for single-trial configs (no CI)', () => {
    const trials = [trial('r4', 0, 0.5), trial('r8', 0, 0.51)];
    expect(selectBest(trials, p()).ties).toEqual([]);
    expect(selectBest(trials, p({ tieTolerance: 0.02 })).ties).toEqual(['r4']);
    expect(selectBest(trials, p()).winner?.ci95).toBeNull();
  });

  it('counts null entries, null values and malformed entries as failed, never crashing', () => {
    const s = selectBest([trial('r4', 0, 0.5), null, trial('r4', 1, null), { config: 'r8', value: 'x' }, trial('r8', 1, 0.3), undefined], p());
    expect(s.failed).toBe(4);
    expect(s.failedTrials.map((f) => [f.config, f.reason])).toEqual([[null, 'no result'], ['r4', 'no value'], ['r8', 'malformed trial entry'], [null, 'no result']]);
    expect(s.ranking.map((r) => [r.config, r.n, r.failed])).toEqual([['r4', 1, 1], ['r8', 1, 1]]);
  });

  it('has no winner when every trial failed; configs without values rank last', () => {
    expect(selectBest([null, trial('r4', 0, null)], p())).toMatchObject({ winner: null, ties: [], failed: 2, ranking: [{ config: 'r4', rank: null, mean: null }] });
    const s = selectBest([trial('r4', 0, null), trial('r8', 0, 0.2)], p());
    expect(s.ranking.map((r) => [r.config, r.rank])).toEqual([['r8', 1], ['r4', null]]);
  });

  it('breaks equal means by label so the result is deterministic', () => {
    const s = selectBest([trial('rb', 0, 0.5), trial('ra', 0, 0.5)], p());
    expect(s.winner?.config).toBe('ra');
    expect(s.ties).toEqual(['rb']);
  });
});
