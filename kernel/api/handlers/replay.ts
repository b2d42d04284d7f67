/** Handlers of replay, drift and re-run (U7, R3). */
import { runInBackground } from '../../launch/background';
import { driftReport } from '../../replay/drift';
import { createRerun } from '../../replay/rerun';
import type { HandlerMap } from './types';

export const replayHandlers: HandlerMap<'runs.replay' | 'runs.drift' | 'runs.rerun'> = {
  'runs.replay': async (k, i: { runId: string }) => {
    const r = await k.replay(k.requireRun(i.runId).id);
    return { runId: r.runId, identical: r.identical, divergence: r.divergence, compared: r.compared, steps: r.steps };
  },
  'runs.drift': (k, i: { runId: string }) => driftReport(k, k.requireRun(i.runId).id),
  // The drift report is taken before the re-run starts, so it describes what the re-run will meet.
  'runs.rerun': async (k, i: { runId: string; target?: string }) => {
    const original = k.requireRun(i.runId).id;
    const drift = await driftReport(k, original);
    const runId = createRerun(k, original, { target: i.target });
    runInBackground(k, runId);
    return { runId, drift };
  },
};
