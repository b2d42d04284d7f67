/**
 * Kernel bus events (kernel/common/events.ts) → contract events (kernel/common/contract.ts).
 * The bus carries more than the UI needs (phases, warnings, attempt numbers on log lines);
 * each mapping builds exactly the contract payload, so nothing internal leaks by accident.
 * `run.created` has no bus event: runs are created through the journal, and the journal
 * tailer reports them.
 */
import type { EventName, EventPayload } from '../../kernel/common/contract';
import type { KernelEventMap, KernelEventName } from '../../kernel/common/events';

export type EmitEvent = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** The part of KernelBus we use, so tests can pass a plain emitter. */
export interface BusLike {
  on<K extends KernelEventName>(name: K, fn: (payload: KernelEventMap[K]) => void): () => void;
}

/** Subscribes to the bus; returns one function that unsubscribes everything. */
export function bridgeBusEvents(bus: BusLike, emit: EmitEvent): () => void {
  const offs = [
    bus.on('run.stateChanged', (e) => emit('run.stateChanged', { runId: e.runId, state: e.state, error: e.error ?? null })),
    bus.on('step.stateChanged', (e) =>
      emit('step.stateChanged', { runId: e.runId, stepId: e.stepId, state: e.state, attempt: e.attempt, cacheHit: e.cacheHit }),
    ),
    bus.on('step.logAppended', (e) => emit('step.logAppended', { runId: e.runId, stepId: e.stepId, stream: e.stream, text: e.text })),
    bus.on('step.metricReported', (e) =>
      emit('step.metricReported', { runId: e.runId, stepId: e.stepId, name: e.name, value: e.value, step: e.step }),
    ),
  ];
  return () => {
    for (const off of offs) off();
  };
}
