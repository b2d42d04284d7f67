/** `trigger: all_done`: a sweep's report runs when a trial fails, sees null for it, and replays identically. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { digestOf } from '../kernel/lifecycle/resolve';
import { planSchema } from '../kernel/common/plan';
import { decodeJson } from '../kernel/store/json-column';
import { openKernel, plan, runPlan, tempDir } from './helpers';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

const states = (k: Kernel, runId: string) => Object.fromEntries(k.steps(runId).map((s) => [s.step_id, s.state]));
const row = (k: Kernel, runId: string, step: string) => k.steps(runId).find((s) => s.step_id === step);
const outputs = (k: Kernel, runId: string, step: string) =>
  decodeJson<Record<string, unknown>>(row(k, runId, step)?.outputs_json ?? null, k.journal.blobs);

const emit = (name: string, value: string) => `printf '{"type":"output","name":"${name}","value":%s}\\n' "${value}" >> "$SGR_EVENTS_FILE"`;
const trial = (id: string, rank: number, command = '') => ({ id, skill: 'shell', params: { command: `${command}${emit('rank', String(rank))}` } });
const report = {
  id: 'report',
  skill: 'shell',
  trigger: 'all_done',
  params: { command: emit('line', '\\"${steps.t1.outputs.rank},${steps.t2.outputs.rank},${steps.t3.outputs.rank}\\"') },
  inputs: { ranks: ['${steps.t1.outputs.rank}', '${steps.t2.outputs.rank}', '${steps.t3.outputs.rank}'] },
};

describe('trigger: all_done', () => {
  it('runs a report after a failed trial, with null for it; the failed trial still blocks all_success steps', async () => {
    kernel = openKernel();
    const { runId, state } = await runPlan(kernel, plan({
      steps: [
        trial('t1', 1), trial('t2', 2, 'exit 3; '), trial('t3', 3),
        { id: 'blocked', skill: 'noop', deps: ['t2'] },
        report,
        { id: 'after', skill: 'noop', deps: ['report'] },
      ],
    }));
    expect(state).toBe('FAILED');
    expect(states(kernel, runId)).toEqual({
      t1: 'COMPLETED', t2: 'FAILED', t3: 'COMPLETED', blocked: 'UPSTREAM_FAILED', report: 'COMPLETED', after: 'COMPLETED',
    });
    expect(outputs(kernel, runId, 'report')?.line).toBe('1,null,3');
    expect(decodeJson(row(kernel, runId, 'report')?.params_json ?? null, kernel.journal.blobs)).toMatchObject({
      command: expect.stringContaining('1,null,3'),
    });
    expect(await kernel.replay(runId)).toMatchObject({ identical: true, compared: 6 });
  });

  it('waits for an UPSTREAM_FAILED dependency to be marked, then runs', async () => {
    kernel = openKernel();
    const { runId } = await runPlan(kernel, plan({
      steps: [
        { id: 'bad', skill: 'shell', params: { command: 'exit 1' } },
        { id: 'mid', skill: 'noop', deps: ['bad'] },
        { id: 'last', skill: 'noop', deps: ['mid'], trigger: 'all_done' },
      ],
    }));
    expect(states(kernel, runId)).toEqual({ bad: 'FAILED', mid: 'UPSTREAM_FAILED', last: 'COMPLETED' });
    expect(await kernel.replay(runId)).toMatchObject({ identical: true });
  });

  it('is still aborted with its run', async () => {
    kernel = openKernel();
    const runId = kernel.createRun(plan({
      steps: [{ id: 'slow', skill: 'shell', params: { command: 'sleep 5' } }, { id: 'last', skill: 'noop', deps: ['slow'], trigger: 'all_done' }],
    }));
    const ctl = new AbortController();
    const done = kernel.execute(runId, { signal: ctl.signal });
    await new Promise((r) => setTimeout(r, 400));
    ctl.abort();
    expect(await done).toBe('ABORTED');
    expect(states(kernel, runId)).toEqual({ slow: 'ABORTED', last: 'ABORTED' });
  });

  it('on resume re-runs the report once the failed trial completes; the cache key tells null from a value', async () => {
    const dir = tempDir('sgr-trigger-');
    const flag = join(dir, 'fail');
    writeFileSync(flag, '');
    kernel = openKernel();
    const first = await runPlan(kernel, plan({ steps: [trial('t1', 1), trial('t2', 2, `test -e ${flag} && exit 3; `), trial('t3', 3), report] }));
    expect(first.state).toBe('FAILED');
    const keyBefore = row(kernel, first.runId, 'report')?.cache_key;
    rmSync(flag);
    expect(await kernel.execute(first.runId)).toBe('COMPLETED');
    expect(outputs(kernel, first.runId, 'report')?.line).toBe('1,2,3');
    expect(row(kernel, first.runId, 'report')).toMatchObject({ attempt: 2, cache_hit: 0 });
    expect(row(kernel, first.runId, 'report')?.cache_key).not.toBe(keyBefore);
    expect(await kernel.replay(first.runId)).toMatchObject({ identical: true, compared: 4 });
  });

  it('leaves plans without triggers (or with the default) with the digest they had', () => {
    const base = { name: 'p', steps: [{ id: 'a', skill: 'noop' }] };
    const explicit = { name: 'p', steps: [{ id: 'a', skill: 'noop', trigger: 'all_success' }] };
    expect(digestOf(planSchema.parse(explicit))).toBe(digestOf(planSchema.parse(base)));
    expect(JSON.stringify(planSchema.parse(explicit))).not.toContain('trigger');
    expect(planSchema.parse({ name: 'p', steps: [{ id: 'a', skill: 'noop', trigger: 'all_done' }] }).steps[0]?.trigger).toBe('all_done');
  });
});
