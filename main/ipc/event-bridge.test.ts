import { describe, expect, it } from 'vitest';
import { contract, type EventName } from '../../kernel/common/contract';
import { KernelBus } from '../../kernel/lifecycle/bus';
import { bridgeBusEvents } from './event-bridge';
import { startEventPush, type EventSink } from './event-push';

function collect() {
  const bus = new KernelBus();
  const got: { event: EventName; payload: unknown }[] = [];
  const stop = bridgeBusEvents(bus, (event, payload) => got.push({ event, payload }));
  return { bus, got, stop };
}

describe('bridgeBusEvents', () => {
  it('maps each bus event to its contract event with exactly the contract payload', () => {
    const { bus, got } = collect();
    bus.emit('run.stateChanged', { runId: 'r', state: 'RUNNING' });
    bus.emit('step.stateChanged', { runId: 'r', stepId: 's', state: 'COMPLETED', attempt: 2, cacheHit: false, failureClass: null, durationMs: 5 });
    bus.emit('step.logAppended', { runId: 'r', stepId: 's', attempt: 1, stream: 'stderr', text: 'hi\n' });
    bus.emit('step.metricReported', { runId: 'r', stepId: 's', name: 'loss', value: 0.5, step: 3 });
    expect(got).toEqual([
      { event: 'run.stateChanged', payload: { runId: 'r', state: 'RUNNING', error: null } },
      { event: 'step.stateChanged', payload: { runId: 'r', stepId: 's', state: 'COMPLETED', attempt: 2, cacheHit: false } },
      { event: 'step.logAppended', payload: { runId: 'r', stepId: 's', stream: 'stderr', text: 'hi\n' } },
      { event: 'step.metricReported', payload: { runId: 'r', stepId: 's', name: 'loss', value: 0.5, step: 3 } },
    ]);
    for (const { event, payload } of got) {
      // Strict: no internal field (attempt on logs, failureClass, durationMs) leaks through.
      const schema = contract.events[event];
      expect(schema.strict().parse(payload)).toEqual(payload);
    }
  });

  it('drops bus events the contract does not have', () => {
    const { bus, got } = collect();
    bus.emit('step.phaseEntered', { runId: 'r', stepId: 's', attempt: 1, phase: 'EXECUTE' as never });
    bus.emit('step.warned', { runId: 'r', stepId: 's', message: 'w' });
    expect(got).toEqual([]);
  });

  it('unsubscribes everything', () => {
    const { bus, got, stop } = collect();
    stop();
    bus.emit('run.stateChanged', { runId: 'r', state: 'FAILED', error: 'x' });
    expect(got).toEqual([]);
  });
});

describe('startEventPush', () => {
  it('sends to the live window on sgr:event and skips a destroyed one', () => {
    const bus = new KernelBus();
    const sent: unknown[] = [];
    let destroyed = false;
    const sink: EventSink = { send: (channel, message) => sent.push([channel, message]), isDestroyed: () => destroyed };
    const stop = startEventPush({ bus } as never, () => sink, [(k, emit) => bridgeBusEvents(k.bus, emit)]);
    bus.emit('run.stateChanged', { runId: 'r', state: 'RUNNING' });
    destroyed = true;
    bus.emit('run.stateChanged', { runId: 'r', state: 'COMPLETED' });
    stop();
    expect(sent).toEqual([['sgr:event', { event: 'run.stateChanged', payload: { runId: 'r', state: 'RUNNING', error: null } }]]);
  });
});
