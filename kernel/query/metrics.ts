/**
 * `metrics.list` and `metrics.series`. A series is downsampled in SQL to at most `buckets`
 * points, each with the bucket's mean, min and max: a single spike always shows in `max`.
 * The covering index metrics_series (migration 0004) makes it one index range scan.
 */
import type { MethodOutput, Series } from '../common/contract';
import type { Db } from '../store/db';
import { NotFoundError } from './run-detail';

export function listMetricNames(db: Db, runId: string): MethodOutput<'metrics.list'> {
  requireRun(db, runId);
  return (db.prepare('SELECT step_id AS stepId, name, count(*) AS count FROM metrics WHERE run_id = ? GROUP BY step_id, name ORDER BY step_id, name').all(runId) as MethodOutput<'metrics.list'>);
}

function requireRun(db: Db, runId: string): void {
  if (!db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new NotFoundError(`no run with id "${runId}"`);
}

interface Bucket {
  x: number;
  y: number;
  lo: number;
  hi: number;
}

/** @example metricSeries(db, { runId, name: 'train_loss', buckets: 1000 })[0].max */
export function metricSeries(db: Db, q: { runId: string; stepId?: string | undefined; name: string; buckets: number }): MethodOutput<'metrics.series'> {
  requireRun(db, q.runId);
  const steps = q.stepId !== undefined
    ? [q.stepId]
    : (db.prepare('SELECT DISTINCT step_id FROM metrics WHERE run_id = ? AND name = ? ORDER BY step_id').all(q.runId, q.name) as Array<{ step_id: string }>).map((r) => r.step_id);
  return steps.map((stepId) => oneSeries(db, q.runId, stepId, q.name, q.buckets));
}

function oneSeries(db: Db, runId: string, stepId: string, name: string, buckets: number): Series {
  const key = [runId, stepId, name];
  const stats = db
    .prepare('SELECT count(*) AS n, count(step) AS withStep, min(step) AS lo, max(step) AS hi FROM metrics WHERE run_id = ? AND step_id = ? AND name = ?')
    .get(...key) as { n: number; withStep: number; lo: number | null; hi: number | null };
  let rows: Bucket[];
  if (stats.n <= buckets) {
    rows = db
      .prepare(`SELECT coalesce(step, row_number() OVER (ORDER BY step, rowid) - 1) AS x, value AS y, value AS lo, value AS hi
                FROM metrics WHERE run_id = ? AND step_id = ? AND name = ? ORDER BY step, rowid`)
      .all(...key) as Bucket[];
  } else if (stats.withStep === stats.n && stats.lo !== null && stats.hi !== null) {
    // Buckets by x range: one pass over the covering index, no window function.
    const width = (stats.hi - stats.lo + 1) / buckets;
    rows = db
      .prepare(`SELECT min(step) AS x, avg(value) AS y, min(value) AS lo, max(value) AS hi FROM metrics
                WHERE run_id = ? AND step_id = ? AND name = ? GROUP BY CAST((step - ?) / ? AS INTEGER) ORDER BY x`)
      .all(...key, stats.lo, width) as Bucket[];
  } else {
    // No step numbers: buckets by position.
    rows = db
      .prepare(`SELECT min(i) AS x, avg(value) AS y, min(value) AS lo, max(value) AS hi FROM (
                  SELECT row_number() OVER (ORDER BY step, rowid) - 1 AS i, value FROM metrics WHERE run_id = ? AND step_id = ? AND name = ?)
                GROUP BY i * ? / ? ORDER BY x`)
      .all(...key, buckets, stats.n) as Bucket[];
  }
  return { stepId, name, total: stats.n, x: rows.map((r) => r.x), y: rows.map((r) => r.y), min: rows.map((r) => r.lo), max: rows.map((r) => r.hi) };
}
