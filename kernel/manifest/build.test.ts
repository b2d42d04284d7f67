import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manifestSchema } from '../common/manifest';
import type { Kernel } from '../api/kernel';
import { openKernel, plan, runPlan, tempDir } from '../../test/helpers';
import { buildManifest } from './build';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

describe('buildManifest', () => {
  it('produces a manifest the schema accepts, with artifacts, consumers, metrics and script digests', async () => {
    const home = tempDir('sgr-manifest-');
    const dir = tempDir('sgr-manifest-exp-');
    writeFileSync(join(dir, 'count.py'), 'import os\nprint(open(os.environ["SGR_INPUT_TEXT"]).read().count("a"))\n');
    kernel = openKernel(home);
    const metric = (v: number, s: number) => `printf '{"type":"metric","name":"loss","value":${v},"step":${s}}\\n' >> "$SGR_EVENTS_FILE"`;
    const { runId, state } = await runPlan(kernel, plan({
      baseDir: dir,
      steps: [
        { id: 'make', skill: 'shell', params: { command: `echo banana > t.txt; ${metric(0.9, 1)}; ${metric(0.2, 3)}; ${metric(0.5, 2)}`, outputs: { text: 't.txt' } } },
        { id: 'count', skill: 'python', inputs: { text: '${steps.make.outputs.text}' }, params: { script: 'count.py' } },
      ],
    }));
    expect(state).toBe('COMPLETED');
    const m = buildManifest(kernel, runId);
    expect(manifestSchema.parse(m)).toEqual(m);
    expect(m.run).toMatchObject({ id: runId, state: 'COMPLETED', kernelVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const make = m.steps.find((s) => s.id === 'make');
    expect(make).toMatchObject({ skill: 'shell', skillVersion: expect.any(String), cacheHit: false, attempt: 1, state: 'COMPLETED' });
    // The exact command the job ran, from its durable intent record.
    expect(make?.command).toEqual(['/bin/sh', '-c', expect.stringContaining('echo banana > t.txt')]);
    expect(m.steps.find((s) => s.id === 'count')?.command?.join(' ')).toMatch(/python3? -u .*count\.py/);
    const digest = make?.artifacts.text as string;
    expect(m.data[digest]).toEqual({ size: 7, producedBy: ['make.outputs.text'], consumedBy: ['count'] });
    expect(m.metrics).toEqual({ make: { loss: 0.2 } });
    expect(m.code.git).toBeNull();
    expect(m.code.files['count.py']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(m.environment.node).toBe(process.version);
    expect(JSON.stringify(m)).not.toContain(process.env.PATH ?? '\u0000');

    // Code and environment are frozen once the run has ended.
    expect(existsSync(join(home, 'manifests', `${runId}.json`))).toBe(true);
    writeFileSync(join(dir, 'count.py'), 'print(0)\n');
    expect(buildManifest(kernel, runId).code).toEqual(m.code);
  });
});

describe('manifest snapshot at run start', () => {
  it('is frozen right after a run, with the code as it was when the run started', async () => {
    const home = tempDir('sgr-manifest-');
    const dir = tempDir('sgr-manifest-exp-');
    const script = join(dir, 'train.py');
    writeFileSync(script, 'print("v1")\n');
    const original = `sha256:${createHash('sha256').update('print("v1")\n').digest('hex')}`;
    kernel = openKernel(home);
    const before = Date.now();
    const { runId, state } = await runPlan(kernel, plan({
      baseDir: dir,
      steps: [
        { id: 'train', skill: 'python', params: { script: 'train.py' } },
        // A later step edits the script: the snapshot must still hold the version the run started with.
        { id: 'edit', skill: 'shell', deps: ['train'], params: { command: `echo 'print("v2")' > ${script}` } },
      ],
    }));
    expect(state).toBe('COMPLETED');
    const file = join(home, 'manifests', `${runId}.json`);
    expect(existsSync(file)).toBe(true);
    const frozen = JSON.parse(readFileSync(file, 'utf8')) as { capturedAt: number; code: { files: Record<string, string> }; environment: { node: string } };
    expect(frozen.code.files['train.py']).toBe(original);
    expect(frozen.environment.node).toBe(process.version);
    const run = kernel.requireRun(runId);
    expect(frozen.capturedAt).toBeGreaterThanOrEqual(before);
    expect(frozen.capturedAt).toBeLessThanOrEqual(run.ended_at ?? 0);
    expect(buildManifest(kernel, runId).code.files['train.py']).toBe(original);
  });
});
