/**
 * dockerd restarts mid-job. With `--live-restore` the container keeps running: the
 * dispatcher reconnects with backoff and finishes wait/collect with complete logs and
 * events. Without it the engine stops the container; the job ends with the engine's
 * SIGTERM (exit 143) and the kernel's retry policy takes over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '../kernel/dispatch/types';
import { requireDocker, startDockerd, type DockerdHandle } from './services/dockerd';
import { containerRunning, dockerEnv, shellSpec, type DockerEnv } from './docker-support';

const COUNTER = [
  'i=0; while [ $i -lt 12 ]; do i=$((i+1)); echo "line $i";',
  `echo "{\\"type\\":\\"metric\\",\\"name\\":\\"i\\",\\"value\\":$i}" >> "$SGR_EVENTS_FILE"; sleep 0.25; done`,
].join(' ');
const expectedLines = Array.from({ length: 12 }, (_, i) => `line ${i + 1}\n`).join('');

describe.runIf(requireDocker())('docker dispatcher across a dockerd restart', () => {
  let daemon: DockerdHandle;
  let env: DockerEnv;
  beforeAll(async () => {
    daemon = await startDockerd({ liveRestore: true });
    env = await dockerEnv(daemon);
  });
  afterAll(async () => {
    await daemon?.dispose();
  });

  it('with live-restore the job keeps running; wait, logs, events and collect are complete', async () => {
    const d = env.dispatcher();
    const spec = shellSpec(env, COUNTER);
    const events: ProtocolEvent[] = [];
    let live = '';
    let noticed!: () => void;
    const outage = new Promise<void>((resolve) => (noticed = resolve));
    const onWarning = (w: string): void => {
      if (/docker daemon unreachable/.test(w)) noticed();
    };
    await d.submit(spec, { onLog: (_s, c) => (live += c), onEvent: (e) => events.push(e), onWarning });
    const before = await containerRunning(env.docker, spec.jobId);
    await daemon.stop();
    await outage; // the dispatcher saw the daemon go (its watchdog inspects every second)
    await daemon.start();
    const final = await d.wait(spec.jobId);
    // The same container, re-attached after the restart (the engine's event log does not survive it).
    expect(final).toMatchObject({ phase: 'exited', exitCode: 0, nativeId: before.Id });
    expect(live).toBe(expectedLines);
    expect((await d.readLog(spec.jobId, 'stdout', 0, 4096)).data).toBe(expectedLines);
    expect(events.map((e) => (e.type === 'metric' ? e.value : -1))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await d.collect(spec.jobId)).events).toHaveLength(12);
    await d.close();
  });
});

describe.runIf(requireDocker())('docker dispatcher across a dockerd restart without live-restore', () => {
  let daemon: DockerdHandle;
  let env: DockerEnv;
  beforeAll(async () => {
    daemon = await startDockerd();
    env = await dockerEnv(daemon);
  });
  afterAll(async () => {
    await daemon?.dispose();
  });

  it('the engine stops the container: the job is lost (retried by the kernel), not failed; a job that fails by itself is not', async () => {
    const d = env.dispatcher();
    const spec = shellSpec(env, COUNTER);
    const warnings: string[] = [];
    await d.submit(spec, { onWarning: (w) => warnings.push(w) });
    await containerRunning(env.docker, spec.jobId);
    await daemon.restart();
    expect(await d.wait(spec.jobId)).toMatchObject({ phase: 'lost' });
    expect(warnings.join('\n')).toMatch(/stopped from outside SGR/);
    const failing = shellSpec(env, 'kill -TERM $$');
    await d.submit(failing);
    expect(await d.wait(failing.jobId)).toMatchObject({ phase: 'exited', exitCode: 143 });
    await d.close();
  });
});
