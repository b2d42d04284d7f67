import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCall } from '../api/dispatch';
import { contract } from '../common/contract';
import { openKernel } from '../../test/helpers';
import { seedRunId, seedRuns } from './seed';

const kernel = openKernel();
const call = (m: string, input: unknown) => dispatchCall(kernel, m, input);

beforeAll(() => {
  seedRuns(kernel.db, { count: 100_000 });
}, 120_000);
afterAll(() => kernel.close());

describe('dispatchCall', () => {
  it('names the bad field, the unknown method and the missing run', async () => {
    expect(await call('runs.nope', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const bad = await call('runs.list', { limit: 0 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_input' } });
    expect(bad.ok ? '' : bad.error.message).toContain('limit');
    expect(await call('runs.get', { runId: 'missing' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('runs.list at 100k runs', () => {
  it('pages, sorts, filters and searches with right counts', async () => {
    const page = await call('runs.list', { limit: 50 });
    if (!page.ok) throw new Error(page.error.message);
    const v = contract.methods['runs.list'].output.parse(page.value);
    expect(v.total).toBe(100_000);
    expect(v.rows[0]?.id).toBe(seedRunId(99_999));
    const failed = await call('runs.list', { filter: { states: ['FAILED'] }, sort: { field: 'bestMetric', dir: 'asc' } });
    const fv = contract.methods['runs.list'].output.parse(failed.ok ? failed.value : null);
    expect(fv.rows.every((r) => r.state === 'FAILED')).toBe(true);
    const vals = fv.rows.map((r) => r.bestMetric?.value ?? Infinity);
    expect([...vals].sort((a, b) => a - b)).toEqual(vals);
    const n = (sql: string, ...a: unknown[]) => (kernel.db.prepare(sql).get(...a) as { n: number }).n;
    expect(fv.total).toBe(n("SELECT count(*) AS n FROM runs WHERE state = 'FAILED'"));
    const param = await call('runs.list', { filter: { param: { key: 'rank', value: 16 } } });
    const pv = contract.methods['runs.list'].output.parse(param.ok ? param.value : null);
    expect(pv.total).toBe(n("SELECT count(*) AS n FROM runs WHERE json_extract(plan_json, '$.steps[1].params.rank') = 16"));
    const search = await call('runs.list', { filter: { search: seedRunId(1234).slice(-6) } });
    expect(search.ok && (search.value as { total: number }).total).toBe(1);
    const t0 = performance.now();
    await call('runs.list', { sort: { field: 'durationMs', dir: 'desc' }, filter: { states: ['COMPLETED'] } });
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('logs.read and metrics.series', () => {
  it('pages a log by offset and tail without reading it whole', async () => {
    const runId = seedRunId(0);
    const jobId = `${runId}.train.1`;
    kernel.db.prepare("UPDATE steps SET job_id = ? WHERE run_id = ? AND step_id = 'train'").run(jobId, runId);
    mkdirSync(join(kernel.paths.jobs, jobId), { recursive: true });
    const text = Array.from({ length: 200_000 }, (_, i) => `line ${i}`).join('\n');
    writeFileSync(join(kernel.paths.jobs, jobId, 'stdout.log'), text);
    const first = await call('logs.read', { runId, stepId: 'train', offset: 0, limit: 1000 });
    expect(first).toMatchObject({ ok: true, value: { offset: 0, nextOffset: 1000, size: Buffer.byteLength(text) } });
    const tail = await call('logs.read', { runId, stepId: 'train', offset: -1, limit: 100 });
    expect(tail.ok && (tail.value as { text: string }).text.endsWith('line 199999')).toBe(true);
  });

  it('downsamples 1M points to buckets with the spike in max', async () => {
    const runId = seedRunId(1);
    const ins = kernel.db.prepare("INSERT INTO metrics (run_id, step_id, attempt, name, step, value, ts) VALUES (?, 'train', 1, 'loss', ?, ?, 0)");
    kernel.db.transaction(() => {
      for (let i = 0; i < 1_000_000; i++) ins.run(runId, i, i === 777_777 ? 1000 : 1 / (1 + i));
    })();
    const t0 = performance.now();
    const r = await call('metrics.series', { runId, stepId: 'train', name: 'loss', buckets: 1000 });
    const ms = performance.now() - t0;
    const [s] = contract.methods['metrics.series'].output.parse(r.ok ? r.value : null);
    expect(s!.total).toBe(1_000_000);
    expect(s!.x.length).toBeLessThanOrEqual(1000);
    expect(Math.max(...s!.max)).toBe(1000);
    console.log(`metrics.series 1M points: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
  });
});
