import { describe, expect, it } from 'vitest';
import { formatRoute, parseCompare, parseHash } from './route';

describe('hash routes', () => {
  it('parses runs, a run and a step', () => {
    expect(parseHash('')).toEqual({ page: 'runs' });
    expect(parseHash('#/runs')).toEqual({ page: 'runs' });
    expect(parseHash('#/runs/r1')).toEqual({ page: 'run', runId: 'r1', stepId: null });
    expect(parseHash('#/runs/r1/train')).toEqual({ page: 'run', runId: 'r1', stepId: 'train' });
    expect(parseHash('#/nonsense')).toEqual({ page: 'runs' });
  });
  it('round-trips ids that need escaping', () => {
    const r = { page: 'run' as const, runId: 'a b/c', stepId: 'st%ep' };
    expect(parseHash(formatRoute(r))).toEqual(r);
    expect(formatRoute({ page: 'runs' })).toBe('#/runs');
  });
  it('tolerates a malformed escape', () => {
    expect(parseHash('#/runs/%E0%A4%A')).toEqual({ page: 'run', runId: '%E0%A4%A', stepId: null });
  });
});

describe('compare query', () => {
  it('parses ?compare= on a run and a step route', () => {
    expect(parseHash('#/runs/r1?compare=r2,r3')).toEqual({ page: 'run', runId: 'r1', stepId: null, compare: ['r2', 'r3'] });
    expect(parseHash('#/runs/r1/train?compare=r2')).toEqual({ page: 'run', runId: 'r1', stepId: 'train', compare: ['r2'] });
    expect(parseHash('#/runs/r1?other=1&compare=r2')).toEqual({ page: 'run', runId: 'r1', stepId: null, compare: ['r2'] });
  });
  it('drops empties, duplicates and the run itself; no compare key when none', () => {
    expect(parseHash('#/runs/r1?compare=,r2,,r2,r1, r3 ')).toEqual({ page: 'run', runId: 'r1', stepId: null, compare: ['r2', 'r3'] });
    expect(parseHash('#/runs/r1?compare=')).toEqual({ page: 'run', runId: 'r1', stepId: null });
    expect(parseHash('#/runs/r1?')).toEqual({ page: 'run', runId: 'r1', stepId: null });
    expect(parseHash('#/runs?compare=r2')).toEqual({ page: 'runs' });
  });
  it('formats the query and round-trips ids with commas, spaces and slashes', () => {
    expect(formatRoute({ page: 'run', runId: 'r1', stepId: null, compare: ['r2', 'r3'] })).toBe('#/runs/r1?compare=r2,r3');
    expect(formatRoute({ page: 'run', runId: 'r1', stepId: null, compare: [] })).toBe('#/runs/r1');
    expect(formatRoute({ page: 'run', runId: 'r1', stepId: 's', compare: ['r1'] })).toBe('#/runs/r1/s');
    const r = { page: 'run' as const, runId: 'a b', stepId: 'st', compare: ['x,y', 'p/q', 'plus+1', '100%'] };
    expect(parseHash(formatRoute(r))).toEqual(r);
  });
  it('caps the number of compared runs', () => {
    expect(parseCompare(Array.from({ length: 30 }, (_, i) => `r${i}`).join(','), undefined, 5)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(parseCompare(null)).toEqual([]);
  });
});

describe('editor and compare routes', () => {
  it('round-trips a file path and a run list', () => {
    const e = { page: 'editor' as const, file: '/home/me/exp a/experiment.yaml' };
    expect(parseHash(formatRoute(e))).toEqual(e);
    expect(parseHash('#/editor')).toEqual({ page: 'editor', file: null });
    const c = { page: 'compare' as const, runs: ['r1', 'r,2', 'r3'] };
    expect(parseHash(formatRoute(c))).toEqual(c);
    expect(parseHash('#/compare?runs=r1,r1,r2')).toEqual({ page: 'compare', runs: ['r1', 'r2'] });
  });
});

describe('rerunOf query', () => {
  it('parses and round-trips ?rerunOf= next to ?compare=', () => {
    expect(parseHash('#/runs/r2?rerunOf=r1')).toEqual({ page: 'run', runId: 'r2', stepId: null, rerunOf: 'r1' });
    expect(parseHash('#/runs/r2?rerunOf=')).toEqual({ page: 'run', runId: 'r2', stepId: null });
    const r = { page: 'run' as const, runId: 'r2', stepId: 'train', compare: ['r3'], rerunOf: 'a b,c' };
    expect(formatRoute(r)).toBe('#/runs/r2/train?compare=r3&rerunOf=a%20b%2Cc');
    expect(parseHash(formatRoute(r))).toEqual(r);
  });
});
