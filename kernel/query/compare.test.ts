import { afterEach, describe, expect, it } from 'vitest';
import { dispatchCall } from '../api/dispatch';
import type { Kernel } from '../api/kernel';
import { compareSchema, manifestDiffSchema } from '../common/contract-compare';
import { openKernel, plan, runPlan, tempDir } from '../../test/helpers';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

const metric = (name: string, v: number, s: number) => `printf '{"type":"metric","name":"${name}","value":${v},"step":${s}}\\n' >> "$SGR_EVENTS_FILE"`;

/** A two-step experiment whose `train` step depends on `lr` (in its command). */
const experiment = (lr: number) => plan({
  name: 'cmp',
  steps: [
    { id: 'train', skill: 'shell', params: { command: `echo ${lr} > m.txt; ${metric('loss', 1, 1)}; ${metric('loss', lr, 2)}; ${metric('loss', 0.5, 3)}`, outputs: { model: 'm.txt' } } },
    { id: 'eval', skill: 'shell', inputs: { model: '${steps.train.outputs.model}' }, params: { command: `cat "$SGR_INPUT_MODEL" > e.txt`, outputs: { report: 'e.txt' } } },
    {
      id: 'pick', skill: 'select', capabilities: [],
      inputs: { trials: [{ config: 'a', value: 1, seed: 0 }, { config: 'a', value: 2, seed: 1 }, { config: 'b', value: 3, seed: 0 }, { config: 'b', value: 4, seed: 1 }] },
      params: { metric: 'acc', direction: 'maximize' },
    },
  ],
});

const call = async <T>(method: string, input: unknown): Promise<T> => {
  const r = await dispatchCall(kernel as Kernel, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
};

describe('runs.compare', () => {
  it('tabulates resolved params, metric aggregates and select rankings; flags exactly the differing param', async () => {
    kernel = openKernel(tempDir('sgr-compare-'));
    const ids: string[] = [];
    for (const lr of [0.1, 0.01, 0.001]) {
      const r = await runPlan(kernel, experiment(lr));
      expect(r.state).toBe('COMPLETED');
      ids.push(r.runId);
    }
    const cmp = compareSchema.parse(await call('runs.compare', { runIds: ids }));
    expect(cmp.runs.map((r) => r.id)).toEqual(ids);
    expect(cmp.differingParams).toEqual(['train.command']);
    const [first, , third] = cmp.runs;
    expect(first?.params['train.command']).toContain('echo 0.1 >');
    expect(first?.params['pick.metric']).toBe('acc');
    expect(first?.tags).toEqual(['select', 'shell']);
    expect(first?.metrics['train.loss']).toEqual({ last: 0.5, min: 0.1, max: 1, count: 3 });
    expect(third?.metrics['train.loss']).toEqual({ last: 0.5, min: 0.001, max: 1, count: 3 });
    expect(cmp.metricKeys).toEqual(['train.loss']);
    expect(cmp.selects).toHaveLength(3);
    const sel = cmp.selects[0];
    expect(sel).toMatchObject({ runId: ids[0], stepId: 'pick', metric: 'acc', direction: 'maximize', best: 'b' });
    expect(sel?.rows.map((r) => [r.trial, r.mean, r.n, r.rank])).toEqual([['b', 3.5, 2, 1], ['a', 1.5, 2, 2]]);
    expect(sel?.rows[0]?.lo).toBeLessThan(3.5);

    const missing = await dispatchCall(kernel, 'runs.compare', { runIds: [ids[0], 'nope'] });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('"nope"') } });
  });
});

describe('manifest.diff', () => {
  it('shows exactly the one changed param, and downstream data; a cached re-run is identical in params/data/code/environment', async () => {
    kernel = openKernel(tempDir('sgr-mdiff-'));
    const a = await runPlan(kernel, experiment(0.1));
    const b = await runPlan(kernel, experiment(0.2));
    const same = await runPlan(kernel, experiment(0.1));
    const d = manifestDiffSchema.parse(await call('manifest.diff', { a: a.runId, b: b.runId }));
    expect(d).toMatchObject({ a: a.runId, b: b.runId, identical: false });
    expect(d.sections.params.changes.some((c) => c.path === 'train.command')).toBe(true);
    // Every other params change is a downstream consequence (the model's digest).
    for (const c of d.sections.params.changes.filter((c) => c.path !== 'train.command')) expect(c.path.startsWith('eval.')).toBe(true);
    expect(d.sections.data.changes.map((c) => c.path).sort()).toEqual(['eval.outputs.report', 'train.outputs.model']);
    expect(d.sections.code.identical).toBe(true);
    expect(d.sections.environment.identical).toBe(true);

    const c = manifestDiffSchema.parse(await call('manifest.diff', { a: a.runId, b: same.runId }));
    for (const s of ['params', 'data', 'code', 'environment'] as const) expect(c.sections[s]).toEqual({ identical: true, changes: [] });
    // Cached steps report no metrics again; only the cache hits differ among the steps.
    expect(c.sections.metrics.changes.every((ch) => ch.b === null)).toBe(true);
    expect(c.sections.steps.changes.every((ch) => ch.path.endsWith('.cacheHit'))).toBe(true);
  });
});
