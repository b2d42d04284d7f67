/** metrics.series with align 'time': x in seconds since the run started, min/max buckets. */
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../store/db';
import { appendMetrics, type MetricRow } from '../store/metrics-repo';
import { metricSeries } from './metrics';

const T0 = 1_700_000_000_000;

function freshDb(): Db {
  const db = openDb(':memory:');
  db.prepare("INSERT INTO runs (id, name, plan_json, plan_digest, state, created_at, started_at) VALUES ('r', 'n', '{}', 'd', 'COMPLETED', ?, ?)").run(T0 - 5000, T0);
  return db;
}

const row = (step: number, value: number, ts: number): MetricRow => ({ runId: 'r', stepId: 'train', attempt: 1, name: 'loss', step, value, ts });

describe('metrics.series align time', () => {
  it('puts each raw point at its seconds since the run started (steps are ignored)', () => {
    const db = freshDb();
    // Steps go up while time jumps: a pause between step 1 and 2.
    appendMetrics(db, [row(0, 3, T0 + 500), row(1, 2, T0 + 1500), row(2, 1, T0 + 61_500)]);
    const [s] = metricSeries(db, { runId: 'r', name: 'loss', buckets: 100, align: 'time' });
    expect(s).toEqual({ stepId: 'train', name: 'loss', total: 3, x: [0.5, 1.5, 61.5], y: [3, 2, 1], min: [3, 2, 1], max: [3, 2, 1] });
    const [byStep] = metricSeries(db, { runId: 'r', name: 'loss', buckets: 100, align: 'step' });
    expect(byStep?.x).toEqual([0, 1, 2]);
  });

  it('buckets long series over the time range with exact min/max, keeping a single spike', () => {
    const db = freshDb();
    const rows: MetricRow[] = [];
    // 10,000 points, one every 100 ms; one spike at 500 s.
    for (let i = 0; i < 10_000; i++) rows.push(row(i, i === 5000 ? 1000 : 1, T0 + i * 100));
    appendMetrics(db, rows);
    const [s] = metricSeries(db, { runId: 'r', name: 'loss', buckets: 100, align: 'time' });
    if (!s) throw new Error('no series');
    expect(s.total).toBe(10_000);
    expect(s.x).toHaveLength(100);
    expect(s.x[0]).toBe(0);
    // Buckets are ~10 s wide; the last one ends at the last point (999.9 s).
    expect(s.x[1]).toBeCloseTo(10, 0);
    expect(s.x[99]).toBeLessThan(999.9);
    expect(s.x[99]).toBeGreaterThan(989);
    expect(Math.max(...s.max)).toBe(1000);
    expect(s.max.filter((m) => m === 1000)).toHaveLength(1);
    expect(Math.min(...s.min)).toBe(1);
    // The spike's bucket mean is diluted, never its max.
    const at = s.max.indexOf(1000);
    expect(s.x[at]).toBeLessThanOrEqual(500);
    expect(s.y[at]).toBeLessThan(1000);
  });
});
