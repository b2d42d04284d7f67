/** A typed in-process event bus. Listeners never break the kernel: their errors are reported, not thrown. */
import type { KernelEventMap, KernelEventName } from '../common/events';

type Listener<K extends KernelEventName> = (payload: KernelEventMap[K]) => void;

export class KernelBus {
  private readonly listeners = new Map<KernelEventName, Set<Listener<KernelEventName>>>();

  /** @example const off = bus.on('step.stateChanged', (e) => console.log(e.stepId, e.state)) */
  on<K extends KernelEventName>(name: K, fn: Listener<K>): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(fn as Listener<KernelEventName>);
    this.listeners.set(name, set);
    return () => set.delete(fn as Listener<KernelEventName>);
  }

  emit<K extends KernelEventName>(name: K, payload: KernelEventMap[K]): void {
    for (const fn of this.listeners.get(name) ?? []) {
      try {
        fn(payload);
      } catch (err) {
        process.emitWarning(`listener of ${name} failed: ${(err as Error).message}`);
      }
    }
  }
}
