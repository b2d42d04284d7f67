/** Handlers of replay, drift and re-run (U7, R3). */
import { notYet, type HandlerMap } from './types';

export const replayHandlers: HandlerMap<'runs.replay' | 'runs.drift' | 'runs.rerun'> = {
  'runs.replay': () => notYet('runs.replay'),
  'runs.drift': () => notYet('runs.drift'),
  'runs.rerun': () => notYet('runs.rerun'),
};
