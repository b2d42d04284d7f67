import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../api/kernel';
import { cancelRun } from '../launch/control';
import { appendMetrics } from '../store/metrics-repo';
import { openKernel, plan } from '../../test/helpers';
import { JournalTailer } from './tailer';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

describe('journal tailer: watch', () => {
  it('announces the state of a run it was not watching once asked to (an idle run cancelled from the app)', async () => {
    kernel = openKernel();
    const failing = plan({ steps: [{ id: 'a', skill: 'shell', params: { command: 'exit 3' } }, { id: 'b', skill: 'shell', params: { command: 'true' }, deps: ['a'] }] });
    const runId = kernel.createRun(failing);
    const events: Array<{ event: string; payload: Record<string, unknown> }> = [];
    const tailer = new JournalTailer(kernel.db, (event, payload) => events.push({ event, payload: payload as Record<string, unknown> }));
    tailer.poll();
    expect(await kernel.execute(runId)).toBe('FAILED');
    tailer.poll();
    events.length = 0;
    // Ended runs are dropped: nothing more comes without a watch.
    tailer.poll();
    expect(events).toEqual([]);

    tailer.watch(runId);
    tailer.poll();
    expect(events.filter((e) => e.event === 'run.stateChanged').map((e) => e.payload.state)).toEqual(['FAILED']);
    // Every step that is not COMPLETED is announced again, whatever the client saw before.
    expect(events.filter((e) => e.event === 'step.stateChanged').map((e) => [e.payload.stepId, e.payload.state]).sort()).toEqual([
      ['a', 'FAILED'],
      ['b', 'UPSTREAM_FAILED'],
    ]);
  });

  it('cancelling a run nobody executes marks it ABORTED and says so on the bus', () => {
    kernel = openKernel();
    const runId = kernel.createRun(plan({ steps: [{ id: 'a', skill: 'shell', params: { command: 'true' } }] }));
    const seen: string[] = [];
    kernel.bus.on('run.stateChanged', (e) => seen.push(`${e.runId}:${e.state}`));
    expect(cancelRun(kernel, runId)).toEqual({ runId, requested: true });
    expect(kernel.requireRun(runId).state).toBe('ABORTED');
    expect(seen).toEqual([`${runId}:ABORTED`]);
  });
});

describe('journal tailer: metrics', () => {
  it('coalesces a burst to the newest point of each series per look', () => {
    kernel = openKernel();
    const runId = kernel.createRun(plan({ steps: [{ id: 'a', skill: 'shell', params: { command: 'true' } }] }));
    const events: Array<Record<string, unknown>> = [];
    const tailer = new JournalTailer(kernel.db, (event, payload) => event === 'step.metricReported' && events.push(payload as Record<string, unknown>));
    const ts = Date.now();
    const point = (name: string, step: number) => ({ runId, stepId: 'a', attempt: 1, name, step, value: step / 10, ts });
    kernel.db.transaction(() => {
      appendMetrics(kernel!.db, Array.from({ length: 3000 }, (_, i) => point('loss', i)));
      appendMetrics(kernel!.db, Array.from({ length: 2000 }, (_, i) => point('acc', i)));
    })();
    tailer.poll();
    expect(events.map((e) => [e.name, e.step, e.value]).sort()).toEqual([
      ['acc', 1999, 199.9],
      ['loss', 2999, 299.9],
    ]);
    tailer.poll();
    expect(events).toHaveLength(2);
  });
});
