/** Handlers of the scheduler's contract methods (D6). */
import type { HandlerMap } from './types';

export const schedHandlers: HandlerMap<'queue.list'> = {
  // A broken targets.yaml must not hide the queue: fall back to the targets that have entries.
  'queue.list': (k) => k.scheduler.list(safeTargets(() => k.targets())),
};

function safeTargets(names: () => string[]): string[] {
  try {
    return names();
  } catch {
    return ['local'];
  }
}
