/** metrics.series from the ingest rollups: exact bucket min/max/mean, spikes kept, back-fill. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Series } from '../common/contract';
import { openDb, type Db } from '../store/db';
import { migrate } from '../store/migrate';
import { appendMetrics, insertMetrics, type MetricRow } from '../store/metrics-repo';
import { listMetricNames, metricSeries } from './metrics';
import { mulberry32 } from '../common/prng';

function freshDb(): Db {
  const db = openDb(':memory:');
  db.prepare("INSERT INTO runs (id, name, plan_json, plan_digest, state, created_at) VALUES ('r', 'n', '{}', 'd', 'COMPLETED', 1)").run();
  return db;
}

const row = (step: number | null, value: number, name = 'loss', stepId = 'train'): MetricRow => ({ runId: 'r', stepId, attempt: 1, name, step, value, ts: 0 });

/** Appends rows in batches of random sizes. */
function appendInBatches(db: Db, rows: MetricRow[], rand: () => number, maxBatch = 5000): void {
  for (let i = 0; i < rows.length; ) {
    const k = 1 + Math.floor(rand() * maxBatch);
    appendMetrics(db, rows.slice(i, i + k));
    i += k;
  }
}

/** Checks every bucket against the raw points whose x lies in [x_i, x_{i+1}). */
function expectExact(s: Series, points: Array<{ x: number; v: number }>, buckets: number): void {
  expect(s.total).toBe(points.length);
  expect(s.x.length).toBeLessThanOrEqual(buckets);
  expect([...s.x].sort((a, b) => a - b)).toEqual(s.x);
  const sorted = [...points].sort((a, b) => a.x - b.x);
  expect(s.x[0]).toBe(sorted[0]?.x);
  let j = 0;
  for (let i = 0; i < s.x.length; i++) {
    const hi = i + 1 < s.x.length ? (s.x[i + 1] as number) : Infinity;
    const inside: number[] = [];
    let x0 = Infinity;
    for (; j < sorted.length && (sorted[j] as { x: number }).x < hi; j++) {
      const p = sorted[j] as { x: number; v: number };
      inside.push(p.v);
      x0 = Math.min(x0, p.x);
    }
    expect(inside.length).toBeGreaterThan(0);
    expect(s.x[i]).toBe(x0);
    expect(s.min[i]).toBe(Math.min(...inside));
    expect(s.max[i]).toBe(Math.max(...inside));
    expect(s.y[i]).toBeCloseTo(inside.reduce((a, b) => a + b, 0) / inside.length, 9);
  }
  expect(j).toBe(sorted.length);
}

describe('metrics.series from rollups', () => {
  it('gives exact min/max/mean per bucket for random series (gaps, duplicates, out of order, negative steps)', () => {
    for (const seed of [1, 2, 3]) {
      const rand = mulberry32(seed);
      const db = freshDb();
      const points: Array<{ x: number; v: number }> = [];
      const rows: MetricRow[] = [];
      let step = -50 - Math.floor(rand() * 1000);
      for (let i = 0; i < 60_000; i++) {
        step += rand() < 0.1 ? Math.floor(rand() * 40) : rand() < 0.05 ? 0 : 1;
        const v = rand() < 0.0005 ? 1e6 * rand() : Math.sin(step / 300) + rand();
        points.push({ x: step, v });
        rows.push(row(step, v));
      }
      // Out of order: swap a few chunks.
      for (let k = 0; k < 50; k++) {
        const a = Math.floor(rand() * rows.length);
        const b = Math.floor(rand() * rows.length);
        [rows[a], rows[b]] = [rows[b] as MetricRow, rows[a] as MetricRow];
      }
      appendInBatches(db, rows, rand);
      for (const buckets of [10, 137, 1000, 5000]) {
        const [s] = metricSeries(db, { runId: 'r', stepId: 'train', name: 'loss', buckets });
        expectExact(s as Series, points, buckets);
        if (buckets <= 1000) expect((s as Series).x.length).toBeGreaterThan(buckets / 4);
      }
      db.close();
    }
  });

  it('indexes step-less points by insertion order and buckets them exactly', () => {
    const rand = mulberry32(7);
    const db = freshDb();
    const rows = Array.from({ length: 30_000 }, () => row(null, rand()));
    appendInBatches(db, rows, rand, 3000);
    const points = rows.map((r, i) => ({ x: i, v: r.value }));
    const [s] = metricSeries(db, { runId: 'r', stepId: 'train', name: 'loss', buckets: 500 });
    expectExact(s as Series, points, 500);
    const few = freshDb();
    appendMetrics(few, [row(null, 3), row(null, 1), row(null, 2)]);
    expect(metricSeries(few, { runId: 'r', name: 'loss', buckets: 10 })).toEqual([{ stepId: 'train', name: 'loss', total: 3, x: [0, 1, 2], y: [3, 1, 2], min: [3, 1, 2], max: [3, 1, 2] }]);
  });

  it('buckets a series short in x (many points per step) from its raw points', () => {
    const rand = mulberry32(9);
    const db = freshDb();
    const rows = Array.from({ length: 20_000 }, (_, i) => row(i % 3000, rand()));
    appendMetrics(db, rows);
    const [s] = metricSeries(db, { runId: 'r', stepId: 'train', name: 'loss', buckets: 1000 });
    expectExact(s as Series, rows.map((r) => ({ x: r.step as number, v: r.value })), 1000);
    expect((s as Series).x.length).toBe(1000);
  });

  it('keeps a single spike of a 1M-point series in max, in a few ms', () => {
    const db = freshDb();
    for (let b = 0; b < 100; b++) {
      appendMetrics(db, Array.from({ length: 10_000 }, (_, j) => {
        const i = b * 10_000 + j;
        return row(i, i === 777_777 ? 1000 : 1 / (1 + i));
      }));
    }
    // Speed is measured by `npm run bench -- metrics`, never asserted here.
    const [s] = metricSeries(db, { runId: 'r', stepId: 'train', name: 'loss', buckets: 1000 });
    expect(s?.total).toBe(1_000_000);
    expect(s?.x.length).toBeLessThanOrEqual(1000);
    expect(s?.x.length).toBeGreaterThan(500);
    expect(Math.max(...(s?.max ?? []))).toBe(1000);
    expect(s?.y.every((y) => y < 1000)).toBe(true);
    expect(listMetricNames(db, 'r')).toEqual([{ stepId: 'train', name: 'loss', count: 1_000_000 }]);
  });

  it('gives the same rollup for incremental batches as for one big batch', () => {
    const rand = mulberry32(11);
    const rows: MetricRow[] = [];
    for (let i = 0; i < 40_000; i++) rows.push(row(rand() < 0.3 ? null : Math.floor(rand() * 100_000), rand() * 10, rand() < 0.5 ? 'a' : 'b', rand() < 0.5 ? 's1' : 's2'));
    const one = freshDb();
    appendMetrics(one, rows);
    const many = freshDb();
    appendInBatches(many, rows, rand, 700);
    const dump = (db: Db) => db.prepare('SELECT * FROM metric_blocks ORDER BY run_id, step_id, name, level, block').all() as Array<Record<string, number>>;
    const a = dump(one);
    const b = dump(many);
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) {
      const { sum: sa, ...ra } = a[i] as Record<string, number>;
      const { sum: sb, ...rb } = b[i] as Record<string, number>;
      expect(rb).toEqual(ra);
      expect(sb).toBeCloseTo(sa as number, 6);
    }
    expect(many.prepare('SELECT * FROM metric_series ORDER BY step_id, name').all()).toEqual(one.prepare('SELECT * FROM metric_series ORDER BY step_id, name').all());
  });

  it('insertMetrics (the commit path) keeps the rollups', () => {
    const db = freshDb();
    insertMetrics(db, 'r', 'fit', 1, Array.from({ length: 2000 }, (_, i) => ({ name: 'acc', step: i, value: i === 1500 ? 9 : 0.5, ts: 0 })));
    const [s] = metricSeries(db, { runId: 'r', name: 'acc', buckets: 100 });
    expect(s?.total).toBe(2000);
    expect(Math.max(...(s?.max ?? []))).toBe(9);
    expect(listMetricNames(db, 'r')).toEqual([{ stepId: 'fit', name: 'acc', count: 2000 }]);
  });

  it('migration 0005 back-fills the rollups of existing points like ingest does', () => {
    const rand = mulberry32(13);
    const rows: MetricRow[] = [];
    for (let i = 0; i < 30_000; i++) rows.push(row(rand() < 0.2 ? null : i + Math.floor(rand() * 50), rand(), rand() < 0.5 ? 'x' : 'y'));
    const old = new Database(':memory:');
    migrate(old, 4);
    old.prepare("INSERT INTO runs (id, name, plan_json, plan_digest, state, created_at) VALUES ('r', 'n', '{}', 'd', 'COMPLETED', 1)").run();
    const ins = old.prepare('INSERT INTO metrics (run_id, step_id, attempt, name, step, value, ts) VALUES (?, ?, ?, ?, ?, ?, ?)');
    old.transaction(() => {
      for (const r of rows) ins.run(r.runId, r.stepId, r.attempt, r.name, r.step, r.value, r.ts);
    })();
    expect(migrate(old, 5)).toBe(5);
    const fresh = freshDb();
    appendMetrics(fresh, rows);
    const q = 'SELECT run_id, step_id, name, level, block, x0, x1, n, min, max, round(sum, 6) AS s FROM metric_blocks ORDER BY 1, 2, 3, 4, 5';
    expect(old.prepare(q).all()).toEqual(fresh.prepare(q).all());
    expect(old.prepare('SELECT * FROM metric_series ORDER BY name').all()).toEqual(fresh.prepare('SELECT * FROM metric_series ORDER BY name').all());
    for (const name of ['x', 'y']) expect(metricSeries(old, { runId: 'r', name, buckets: 300 })).toEqual(metricSeries(fresh, { runId: 'r', name, buckets: 300 }));
  });
});
