/** The dataset skill: params, the seeded split, and end-to-end runs through the kernel with replay. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../../kernel/api/kernel';
import { decodeJson } from '../../kernel/store/json-column';
import { openKernel, plan, runPlan, tempDir } from '../../test/helpers';
import { datasetParams } from './index';
import { datasetStats, splitRows, toJsonl } from './split';
import { generateSynthetic } from './synthetic';

describe('params', () => {
  it('defaults the split to 0.8/0.1/0.1 and splitSeed to 0', () => {
    expect(datasetParams.parse({ source: { synthetic: { seed: 1, size: 10 } } })).toMatchObject({ split: { train: 0.8, val: 0.1, test: 0.1 }, splitSeed: 0 });
  });

  it('names the field of a bad split or source', () => {
    const bad = datasetParams.safeParse({ source: { synthetic: { seed: 1, size: 10 } }, split: { train: 0.8, val: 0.1, test: 0.2 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['split'], message: expect.stringContaining('sum to 1') });
    expect(datasetParams.safeParse({ source: { synthetic: { seed: 1, size: 10 } }, split: { train: 0.7, val: 0.2, test: 0.1 } }).success).toBe(true);
    const both = datasetParams.safeParse({ source: { synthetic: { seed: 1, size: 10 }, path: 'x.csv' } });
    expect(both.error?.issues[0]).toMatchObject({ path: ['source'], message: 'give exactly one of source.synthetic or source.path' });
    expect(datasetParams.safeParse({ source: { synthetic: { seed: 1, size: 0 } } }).error?.issues[0]?.path).toEqual(['source', 'synthetic', 'size']);
  });
});

describe('split', () => {
  const rows = generateSynthetic({ seed: 11, size: 1001 });

  it('cuts a seeded shuffle into disjoint parts of the requested sizes that cover every row', () => {
    const s = splitRows(rows, { train: 0.8, val: 0.1, test: 0.1 }, 0);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([801, 100, 100]);
    const ids = [...s.train, ...s.val, ...s.test].map((r) => r.id);
    expect(new Set(ids).size).toBe(rows.length);
    expect(s.train.map((r) => r.id)).not.toEqual(rows.slice(0, 801).map((r) => r.id));
    expect(splitRows(rows, { train: 0.8, val: 0.1, test: 0.1 }, 0)).toEqual(s);
    expect(splitRows(rows, { train: 0.8, val: 0.1, test: 0.1 }, 1).train).not.toEqual(s.train);
  });

  it('handles empty parts and tiny sets', () => {
    const s = splitRows(rows.slice(0, 3), { train: 1, val: 0, test: 0 }, 0);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([3, 0, 0]);
    const t = splitRows(rows.slice(0, 1), { train: 0.5, val: 0.5, test: 0 }, 0);
    expect(t.train.length + t.val.length + t.test.length).toBe(1);
  });

  it('summarises lengths and a difficulty histogram', () => {
    const s = splitRows(rows, { train: 0.8, val: 0.1, test: 0.1 }, 0);
    const stats = datasetStats(rows as never, s as never);
    expect(stats.rows).toEqual({ total: 1001, train: 801, val: 100, test: 100 });
    expect(Object.values(stats.difficulty).reduce((a, b) => a + b, 0)).toBe(1001);
    expect(Object.keys(stats.difficulty)).toEqual(['1', '2', '3', '4', '5']);
    expect(stats.sql?.min).toBeLessThanOrEqual(stats.sql?.mean ?? 0);
    expect(stats.question?.max).toBeGreaterThan(stats.question?.mean ?? 0);
  });
});

describe('through the kernel', () => {
  let kernel: Kernel | null = null;
  afterEach(async () => {
    await kernel?.close();
    kernel = null;
  });
  const outputsOf = (k: Kernel, runId: string, step: string) =>
    decodeJson<Record<string, unknown>>(k.steps(runId).find((s) => s.step_id === step)?.outputs_json ?? null, k.journal.blobs) ?? {};
  const countLines = {
    id: 'count',
    skill: 'shell',
    params: { command: 'n=$(wc -l < ${steps.data.outputs.train} | tr -d " "); echo "{\\"type\\":\\"output\\",\\"name\\":\\"lines\\",\\"value\\":$n}" >> "$SGR_EVENTS_FILE"' },
  };

  it('runs a synthetic dataset step feeding a shell step, and replays identically', async () => {
    kernel = openKernel();
    const { runId, state } = await runPlan(kernel, plan({
      steps: [{ id: 'data', skill: 'dataset', params: { source: { synthetic: { seed: 7, size: 200 } }, splitSeed: 3 } }, countLines],
    }));
    expect(state).toBe('COMPLETED');
    const out = outputsOf(kernel, runId, 'data');
    expect(out.stats).toMatchObject({ rows: { total: 200, train: 160, val: 20, test: 20 } });
    expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out.sourceDigest).toBeNull();
    expect(outputsOf(kernel, runId, 'count').lines).toBe(160);
    const train = (await kernel.cas.read((out.train as { $artifact: string }).$artifact)).toString();
    const rows = generateSynthetic({ seed: 7, size: 200 });
    expect(train).toBe(toJsonl(splitRows(rows, { train: 0.8, val: 0.1, test: 0.1 }, 3).train as never));
    expect(out.digest).toBe(`sha256:${(await import('node:crypto')).createHash('sha256').update(toJsonl(rows)).digest('hex')}`);

    const report = await kernel.replay(runId);
    expect(report).toMatchObject({ identical: true, divergence: null });
  });

  it('ingests a CSV below the experiment directory and refuses one outside it', async () => {
    kernel = openKernel();
    const dir = tempDir('sgr-ds-exp-');
    writeFileSync(join(dir, 'qa.csv'), 'question,sql,difficulty\n"How many, in total?",SELECT COUNT(*) FROM t;,1\nx,"SELECT ""a""",2\n');
    const ok = await runPlan(kernel, plan({
      baseDir: dir,
      steps: [{ id: 'data', skill: 'dataset', params: { source: { path: 'qa.csv' }, split: { train: 1, val: 0, test: 0 } } }, countLines],
    }));
    expect(ok.state).toBe('COMPLETED');
    const out = outputsOf(kernel, ok.runId, 'data');
    expect(out.sourceDigest).toMatch(/^sha256:/);
    expect(out.stats).toMatchObject({ rows: { total: 2, train: 2 }, difficulty: { 1: 1, 2: 1 } });
    expect(outputsOf(kernel, ok.runId, 'count').lines).toBe(2);
    expect((await kernel.replay(ok.runId)).identical).toBe(true);

    // Same params, same file: a cache hit; an edited file: the step runs again.
    const steps = [{ id: 'data', skill: 'dataset', params: { source: { path: 'qa.csv' }, split: { train: 1, val: 0, test: 0 } } }, countLines];
    const again = await runPlan(kernel, plan({ baseDir: dir, steps }));
    expect(kernel.steps(again.runId).find((s) => s.step_id === 'data')?.cache_hit).toBe(1);
    writeFileSync(join(dir, 'qa.csv'), 'question,sql,difficulty\nonly one?,SELECT 1;,1\n');
    const edited = await runPlan(kernel, plan({ baseDir: dir, steps }));
    expect(kernel.steps(edited.runId).find((s) => s.step_id === 'data')?.cache_hit).toBe(0);
    expect(outputsOf(kernel, edited.runId, 'count').lines).toBe(1);

    mkdirSync(join(dir, 'sub'));
    const bad = await runPlan(kernel, plan({ baseDir: join(dir, 'sub'), steps: [{ id: 'data', skill: 'dataset', params: { source: { path: '../qa.csv' } } }] }));
    expect(bad.state).toBe('FAILED');
    expect(kernel.steps(bad.runId)[0]).toMatchObject({ failure_class: 'user_error', error: expect.stringMatching(/source\.path: \.\.\/qa\.csv is outside the experiment directory/) });

    writeFileSync(join(dir, 'bad.jsonl'), '{"question":"a"}\n{"question":\n');
    const broken = await runPlan(kernel, plan({ baseDir: dir, steps: [{ id: 'data', skill: 'dataset', params: { source: { path: 'bad.jsonl' } } }] }));
    expect(broken.state).toBe('FAILED');
    expect(kernel.steps(broken.runId)[0]?.error).toMatch(/^bad\.jsonl:2: invalid JSON/);
  });
});
