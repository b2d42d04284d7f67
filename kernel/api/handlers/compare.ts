/** Handlers of run comparison and manifest diffs (U6, R2). */
import { notYet, type HandlerMap } from './types';

export const compareHandlers: HandlerMap<'runs.compare' | 'manifest.diff'> = {
  'runs.compare': () => notYet('runs.compare'),
  'manifest.diff': () => notYet('manifest.diff'),
};
