/** Handlers of launching, cancelling and resuming runs from the app (U5). */
import { notYet, type HandlerMap } from './types';

export const launchHandlers: HandlerMap<'targets.list' | 'runs.launch' | 'runs.cancel' | 'runs.resume' | 'runs.interrupted' | 'runs.dismissInterrupted'> = {
  'targets.list': () => notYet('targets.list'),
  'runs.launch': () => notYet('runs.launch'),
  'runs.cancel': () => notYet('runs.cancel'),
  'runs.resume': () => notYet('runs.resume'),
  'runs.interrupted': () => notYet('runs.interrupted'),
  'runs.dismissInterrupted': () => notYet('runs.dismissInterrupted'),
};
