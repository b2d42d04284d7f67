/**
 * The runs browser's query (sort + filters) and its results: a page cache over runs.list.
 * The cache is mutable and outside React state; `version` bumps when rows arrive or change
 * so the table re-renders only the visible window.
 */
import { create } from 'zustand';
import type { MethodInput, RunSummary } from '../../../kernel/common/contract';
import { call } from '../api';
import { PageCache } from '../lib/page-cache';
import type { RunState } from '../lib/states';

export const PAGE_SIZE = 200;

type ListInput = MethodInput<'runs.list'>;
export type RunSort = NonNullable<ListInput['sort']>;
export type RunFilter = NonNullable<ListInput['filter']>;

interface RunsState {
  sort: RunSort;
  filter: RunFilter;
  total: number | null;
  version: number;
  error: string | null;
  cache: PageCache<RunSummary>;
  /** Increments per query so answers to an old query are dropped. */
  generation: number;
  setSort: (field: RunSort['field']) => void;
  setFilter: (patch: Partial<RunFilter>) => void;
  ensureRange: (start: number, end: number) => void;
  refresh: () => void;
  patchRun: (runId: string, patch: Partial<RunSummary>) => void;
}

export const useRunsStore = create<RunsState>((set, get) => {
  const fetchPage = async (page: number, gen: number): Promise<void> => {
    const { cache, sort, filter } = get();
    cache.markInflight(page);
    try {
      const r = await call('runs.list', { offset: page * PAGE_SIZE, limit: PAGE_SIZE, sort, filter });
      if (get().generation !== gen) return;
      cache.put(page, r.rows);
      set((s) => ({ total: r.total, version: s.version + 1, error: null }));
    } catch (err) {
      if (get().generation !== gen) return;
      cache.fail(page);
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  };

  const restart = (patch: Partial<RunsState>): void => {
    set((s) => ({ ...patch, cache: new PageCache<RunSummary>(PAGE_SIZE), generation: s.generation + 1, version: s.version + 1 }));
    void fetchPage(0, get().generation);
  };

  let lastRange: [number, number] = [0, PAGE_SIZE];

  return {
    sort: { field: 'createdAt', dir: 'desc' },
    filter: {},
    total: null,
    version: 0,
    error: null,
    cache: new PageCache<RunSummary>(PAGE_SIZE),
    generation: 0,
    setSort: (field) => {
      const cur = get().sort;
      const dir = cur.field === field ? (cur.dir === 'asc' ? 'desc' : 'asc') : field === 'name' ? 'asc' : 'desc';
      restart({ sort: { field, dir } });
    },
    setFilter: (patch) => {
      const filter = { ...get().filter, ...patch };
      for (const k of Object.keys(filter) as (keyof RunFilter)[]) {
        const v = filter[k];
        if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete filter[k];
      }
      restart({ filter });
    },
    ensureRange: (start, end) => {
      lastRange = [start, end];
      const { cache, total, generation } = get();
      const pages = total === null ? (cache.has(0) ? [] : [0]) : cache.missing(start, end, total);
      for (const p of pages) void fetchPage(p, generation);
    },
    // A new run or a changed order: keep showing cached rows while the visible pages reload.
    refresh: () => {
      const { cache, generation } = get();
      const first = cache.pageOf(Math.max(0, lastRange[0]));
      const last = cache.pageOf(Math.max(0, lastRange[1] - 1));
      // Pages off screen may now be shifted: drop them, they reload when scrolled to.
      const fresh = new PageCache<RunSummary>(PAGE_SIZE);
      for (let p = first; p <= last; p++) {
        const rows: RunSummary[] = [];
        for (let i = p * PAGE_SIZE; i < (p + 1) * PAGE_SIZE; i++) {
          const r = cache.get(i);
          if (r) rows.push(r);
        }
        if (rows.length) fresh.put(p, rows);
      }
      set({ cache: fresh });
      for (let p = first; p <= last; p++) void fetchPage(p, generation);
    },
    patchRun: (runId, patch) => {
      if (get().cache.patch((r) => r.id === runId, (r) => ({ ...r, ...patch }))) set((s) => ({ version: s.version + 1 }));
    },
  };
});

export function toggleState(states: readonly RunState[] | undefined, s: RunState): RunState[] {
  const cur = states ?? [];
  return cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s];
}
