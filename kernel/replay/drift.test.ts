import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchCall } from '../api/dispatch';
import { Kernel } from '../api/kernel';
import { driftSchema } from '../common/contract-replay';
import { builtinSkills } from '../../skills';
import { openKernel, plan, runPlan, tempDir } from '../../test/helpers';
import { driftReport } from './drift';

const kernels: Kernel[] = [];
afterEach(async () => {
  for (const k of kernels.splice(0)) await k.close();
});

async function pythonRun(): Promise<{ home: string; dir: string; runId: string; kernel: Kernel }> {
  const home = tempDir('sgr-drift-');
  const dir = tempDir('sgr-drift-exp-');
  writeFileSync(join(dir, 'train.py'), 'print("v1")\n');
  const kernel = openKernel(home);
  kernels.push(kernel);
  const { runId, state } = await runPlan(kernel, plan({
    baseDir: dir,
    steps: [
      { id: 'prep', skill: 'shell', params: { command: 'echo 1 > x.txt', outputs: { x: 'x.txt' } } },
      { id: 'train', skill: 'python', inputs: { x: '${steps.prep.outputs.x}' }, params: { script: 'train.py' } },
    ],
  }));
  expect(state).toBe('COMPLETED');
  return { home, dir, runId, kernel };
}

describe('runs.drift', () => {
  it('is identical when nothing changed since the run', async () => {
    const { kernel, runId } = await pythonRun();
    const r = await dispatchCall(kernel, 'runs.drift', { runId });
    expect(r).toMatchObject({ ok: true });
    expect(driftSchema.parse(r.ok ? r.value : null)).toEqual({ runId, identical: true, code: [], environment: [], data: [], skills: [] });
  });

  it('names an edited script under data with its recorded and current digest, and a deleted one as missing', async () => {
    const { kernel, dir, runId } = await pythonRun();
    const before = await driftReport(kernel, runId);
    writeFileSync(join(dir, 'train.py'), 'print("v2")\n');
    const d = await driftReport(kernel, runId);
    expect(d.identical).toBe(false);
    expect(d.data).toEqual([{ path: 'train.py', recorded: expect.stringMatching(/^sha256:/), now: expect.stringMatching(/^sha256:/) }]);
    expect(d.data[0]?.recorded).not.toBe(d.data[0]?.now);
    expect({ code: d.code, environment: d.environment, skills: d.skills }).toEqual({ code: before.code, environment: before.environment, skills: before.skills });

    rmSync(join(dir, 'train.py'));
    const gone = await driftReport(kernel, runId);
    expect(gone.data).toEqual([{ path: 'train.py', recorded: d.data[0]?.recorded, now: null }]);
  });

  it('reports a skill whose registered version changed since the run', async () => {
    const { home, runId } = await pythonRun();
    const bumped = builtinSkills.map((s) => (s.name === 'python' ? { ...s, version: '99.0.0' } : s));
    const later = Kernel.open({ home, skills: bumped });
    kernels.push(later);
    const d = await driftReport(later, runId);
    expect(d.skills).toEqual([{ path: 'python', recorded: expect.not.stringMatching(/^99/), now: '99.0.0' }]);
    // The data check uses the version the step ran with: the unchanged script is no drift.
    expect(d.data).toEqual([]);
  });
});
