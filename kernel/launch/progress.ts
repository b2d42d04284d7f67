/**
 * `launch.progress` events: a launch created a run, or ended. They come from this process's
 * launcher only (no journal tailing needed), so serve mode and the Electron main process each
 * subscribe here and forward them to the UI.
 */
import type { Kernel } from '../api/kernel';
import type { EventPayload } from '../common/contract';

export type LaunchProgress = EventPayload<'launch.progress'>;
type Listener = (p: LaunchProgress) => void;

const listeners = new WeakMap<Kernel, Set<Listener>>();

/** @example const off = onLaunchProgress(kernel, (p) => ws.send(JSON.stringify(p))) */
export function onLaunchProgress(kernel: Kernel, fn: Listener): () => void {
  const set = listeners.get(kernel) ?? new Set<Listener>();
  set.add(fn);
  listeners.set(kernel, set);
  return () => set.delete(fn);
}

export function emitLaunchProgress(kernel: Kernel, p: LaunchProgress): void {
  for (const fn of listeners.get(kernel) ?? []) {
    try {
      fn(p);
    } catch (err) {
      process.emitWarning(`launch.progress listener failed: ${(err as Error).message}`);
    }
  }
}
