/** Handlers of the scheduler's contract methods (D6). */
import type { HandlerMap } from './types';

export const schedHandlers: HandlerMap<'queue.list'> = {
  'queue.list': () => ({ entries: [], deadLetter: [], slots: [] }),
};
