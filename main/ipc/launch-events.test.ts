import { describe, expect, it } from 'vitest';
import { contract } from '../../kernel/common/contract';
import { emitLaunchProgress } from '../../kernel/launch/progress';
import { launchEventSource, startEventPush, type EventSink } from './event-push';

describe('launchEventSource', () => {
  it('pushes launch.progress of this kernel to the window, with the contract payload, until stopped', () => {
    const kernel = {} as never;
    const other = {} as never;
    const sent: unknown[] = [];
    const sink: EventSink = { send: (channel, message) => sent.push([channel, message]), isDestroyed: () => false };
    const stop = startEventPush(kernel, () => sink, [launchEventSource]);
    const payload = { launchId: 'L1', runIds: ['r1'], done: false, error: null };
    emitLaunchProgress(kernel, payload);
    emitLaunchProgress(other, { ...payload, launchId: 'L2' });
    stop();
    emitLaunchProgress(kernel, { ...payload, done: true });
    expect(sent).toEqual([['sgr:event', { event: 'launch.progress', payload }]]);
    expect(contract.events['launch.progress'].strict().parse(payload)).toEqual(payload);
  });
});
