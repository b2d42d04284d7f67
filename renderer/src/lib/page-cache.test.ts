import { describe, expect, it } from 'vitest';
import { PageCache } from './page-cache';

describe('PageCache', () => {
  it('reports missing pages for a range, skipping loaded and in-flight ones', () => {
    const c = new PageCache<number>(100);
    expect(c.missing(0, 250, 1000)).toEqual([0, 1, 2]);
    c.put(0, Array.from({ length: 100 }, (_, i) => i));
    c.markInflight(1);
    expect(c.missing(0, 250, 1000)).toEqual([2]);
    expect(c.missing(950, 1200, 1000)).toEqual([9]);
    expect(c.missing(0, 10, 0)).toEqual([]);
  });
  it('returns rows by absolute index', () => {
    const c = new PageCache<string>(10);
    c.put(3, Array.from({ length: 10 }, (_, i) => `r${30 + i}`));
    expect(c.get(35)).toBe('r35');
    expect(c.get(5)).toBeUndefined();
  });
  it('evicts the least recently used page beyond its capacity', () => {
    const c = new PageCache<number>(1, 2);
    c.put(0, [0]);
    c.put(1, [1]);
    c.get(0);
    c.put(2, [2]);
    expect(c.has(0)).toBe(true);
    expect(c.has(1)).toBe(false);
    expect(c.size).toBe(2);
  });
  it('patches matching rows in place and lets a failed page be retried', () => {
    const c = new PageCache<{ id: string; state: string }>(2);
    c.put(0, [
      { id: 'a', state: 'RUNNING' },
      { id: 'b', state: 'RUNNING' },
    ]);
    expect(c.patch((r) => r.id === 'b', (r) => ({ ...r, state: 'COMPLETED' }))).toBe(true);
    expect(c.get(1)?.state).toBe('COMPLETED');
    expect(c.patch((r) => r.id === 'zz', (r) => r)).toBe(false);
    c.markInflight(1);
    c.fail(1);
    expect(c.missing(2, 4, 4)).toEqual([1]);
  });
  it('stays cheap at 100k rows: only visible pages are asked for', () => {
    const c = new PageCache<number>(200);
    expect(c.missing(50_000, 50_040, 100_000)).toEqual([250]);
  });
});
