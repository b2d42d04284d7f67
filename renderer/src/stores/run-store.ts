/**
 * The run being viewed: its detail (runs.get), refreshed on its events (throttled) and
 * polled while it runs, so durations and progress move. `metricsVersion` bumps when the run
 * reports a metric, and the chart refetches.
 */
import { create } from 'zustand';
import type { RunDetail } from '../../../kernel/common/contract';
import { call } from '../api';
import type { RunState, StepState } from '../lib/states';

interface RunViewState {
  runId: string | null;
  run: RunDetail | null;
  error: string | null;
  metricsVersion: number;
  open: (runId: string | null) => void;
  reload: () => void;
  applyRunState: (runId: string, state: RunState, error?: string | null) => void;
  applyStepState: (runId: string, stepId: string, state: StepState, attempt: number, cacheHit: boolean) => void;
  noteMetric: (runId: string) => void;
}

const ACTIVE: ReadonlySet<string> = new Set(['CREATED', 'PLANNED', 'RUNNING']);

export const useRunStore = create<RunViewState>((set, get) => {
  let reloadTimer: ReturnType<typeof setTimeout> | null = null;
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let metricTimer: ReturnType<typeof setTimeout> | null = null;

  const load = async (runId: string): Promise<void> => {
    try {
      const run = await call('runs.get', { runId });
      if (get().runId !== runId) return;
      set({ run, error: null });
      syncPoll(run);
    } catch (err) {
      if (get().runId !== runId) return;
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  };

  const syncPoll = (run: RunDetail | null): void => {
    const active = run !== null && ACTIVE.has(run.state);
    if (active && !pollTimer) pollTimer = setInterval(() => get().reload(), 2000);
    if (!active && pollTimer) {
      clearInterval(pollTimer);
      pollTimer = null;
    }
  };

  return {
    runId: null,
    run: null,
    error: null,
    metricsVersion: 0,
    open: (runId) => {
      if (runId === get().runId) return;
      set({ runId, run: null, error: null });
      syncPoll(null);
      if (runId) void load(runId);
    },
    reload: () => {
      if (reloadTimer) return;
      reloadTimer = setTimeout(() => {
        reloadTimer = null;
        const id = get().runId;
        if (id) void load(id);
      }, 300);
    },
    applyRunState: (runId, state, error) => {
      const run = get().run;
      if (!run || run.id !== runId) return;
      set({ run: { ...run, state, error: error === undefined ? run.error : error } });
      get().reload();
    },
    applyStepState: (runId, stepId, state, attempt, cacheHit) => {
      const run = get().run;
      if (!run || run.id !== runId) return;
      set({ run: { ...run, stepsDetail: run.stepsDetail.map((s) => (s.id === stepId ? { ...s, state, attempt, cacheHit } : s)) } });
      get().reload();
    },
    noteMetric: (runId) => {
      if (get().runId !== runId || metricTimer) return;
      metricTimer = setTimeout(() => {
        metricTimer = null;
        set((s) => ({ metricsVersion: s.metricsVersion + 1 }));
      }, 1500);
    },
  };
});
