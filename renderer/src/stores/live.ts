/**
 * The ONE place kernel events reach the stores. Started once by main.tsx.
 */
import type { SgrApi } from '../../../kernel/common/contract';
import { useRunStore } from './run-store';
import { useRunsStore } from './runs-store';

export function startLive(api: SgrApi): () => void {
  let createdTimer: ReturnType<typeof setTimeout> | null = null;
  const offs = [
    api.on('run.created', () => {
      // Bursts (a sweep creates many runs) become one refresh of the visible pages.
      if (createdTimer) return;
      createdTimer = setTimeout(() => {
        createdTimer = null;
        useRunsStore.getState().refresh();
      }, 400);
    }),
    api.on('run.stateChanged', (e) => {
      useRunsStore.getState().patchRun(e.runId, { state: e.state, ...(e.error !== undefined ? { error: e.error } : {}) });
      useRunStore.getState().applyRunState(e.runId, e.state, e.error);
    }),
    api.on('step.stateChanged', (e) => {
      useRunStore.getState().applyStepState(e.runId, e.stepId, e.state, e.attempt, e.cacheHit);
    }),
    api.on('step.metricReported', (e) => {
      useRunStore.getState().noteMetric(e.runId);
    }),
  ];
  return () => {
    for (const off of offs) off();
    if (createdTimer) clearTimeout(createdTimer);
  };
}
