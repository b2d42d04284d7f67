import { describe, expect, it } from 'vitest';
import { formatRoute, parseHash } from './route';

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
