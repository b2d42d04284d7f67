/** Handlers of replay, drift and re-run (U7, R3). */
import { driftReport } from '../../replay/drift';
import { notYet, type HandlerMap } from './types';

export const replayHandlers: HandlerMap<'runs.replay' | 'runs.drift' | 'runs.rerun'> = {
  'runs.replay': async (k, i: { runId: string }) => {
    const r = await k.replay(k.requireRun(i.runId).id);
    return { runId: r.runId, identical: r.identical, divergence: r.divergence, compared: r.compared, steps: r.steps };
  },
  'runs.drift': (k, i: { runId: string }) => driftReport(k, k.requireRun(i.runId).id),
  'runs.rerun': () => notYet('runs.rerun'),
};
