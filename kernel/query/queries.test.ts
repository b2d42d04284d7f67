import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCall } from '../api/dispatch';
import { contract } from '../common/contract';
import { appendMetrics } from '../store/metrics-repo';
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
    // Speed is measured by `npm run bench -- browser`, never asserted in a test.
    const sorted = await call('runs.list', { sort: { field: 'durationMs', dir: 'desc' }, filter: { states: ['COMPLETED'] }, limit: 3 });
    const top = (sorted.ok ? (sorted.value as { rows: Array<{ durationMs: number }> }).rows : []).map((r) => r.durationMs);
    expect(top[0]).toBe(n("SELECT max(duration_ms) AS n FROM runs WHERE state = 'COMPLETED'"));
    expect(top).toEqual([...top].sort((a, b) => b - a));
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
    // Through the ingest path (raw points + rollups), as jobs write them.
    for (let b = 0; b < 100; b++) {
      appendMetrics(kernel.db, Array.from({ length: 10_000 }, (_, j) => {
        const i = b * 10_000 + j;
        return { runId, stepId: 'train', attempt: 1, name: 'loss', step: i, value: i === 777_777 ? 1000 : 1 / (1 + i), ts: 0 };
      }));
    }
    const r = await call('metrics.series', { runId, stepId: 'train', name: 'loss', buckets: 1000 });
    const [s] = contract.methods['metrics.series'].output.parse(r.ok ? r.value : null);
    expect(s!.total).toBe(1_000_000);
    expect(s!.x.length).toBeLessThanOrEqual(1000);
    expect(Math.max(...s!.max)).toBe(1000);
  });
});
