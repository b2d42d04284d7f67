/**
 * `metrics.list` and `metrics.series`. A series is downsampled to at most `buckets` points,
 * each with the bucket's mean, min and max: a single spike always shows in `max`.
 *
 * Large series are read from the rollups kept at ingest (metric_series / metric_blocks,
 * migration 0005, metrics-repo.ts appendMetrics): the coarsest block level that still spans
 * at least `buckets` blocks is read (at most ~BLOCK_FANOUT·buckets rows) and consecutive
 * blocks are merged into buckets, so min/max/mean are exact for the bucket's x range and
 * the query costs a few ms whatever the series length. Series with ≤ `buckets` points are
 * returned raw; series too short in x for block buckets are bucketed from their raw points.
 * A point's x is its step, or its insertion index in the series when it has none; with
 * `align: 'time'` it is the seconds since the run started (from the raw points' timestamps).
 */
import type { MethodOutput, Series } from '../common/contract';
import type { Db } from '../store/db';
import { BLOCK_LEVELS, blockSize } from '../store/metrics-repo';
import { stmt } from '../store/sql';
import { NotFoundError } from './run-detail';

/** Raw points read at most to bucket a series whose x range is too short for block buckets. */
const RAW_BUCKETING_LIMIT = 200_000;

export function listMetricNames(db: Db, runId: string): MethodOutput<'metrics.list'> {
  requireRun(db, runId);
  const rolled = stmt(db, 'SELECT step_id AS stepId, name, n AS count FROM metric_series WHERE run_id = ? ORDER BY step_id, name').all(runId);
  if (rolled.length > 0) return rolled as MethodOutput<'metrics.list'>;
  // Points written without appendMetrics (only tests do): count them from the raw table.
  return stmt(db, 'SELECT step_id AS stepId, name, count(*) AS count FROM metrics WHERE run_id = ? GROUP BY step_id, name ORDER BY step_id, name').all(
    runId,
  ) as MethodOutput<'metrics.list'>;
}

function requireRun(db: Db, runId: string): void {
  if (!stmt(db, 'SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new NotFoundError(`no run with id "${runId}"`);
}

interface SeriesRow {
  n: number;
  x_lo: number;
  x_hi: number;
}

/** @example metricSeries(db, { runId, name: 'train_loss', buckets: 1000 })[0].max */
export function metricSeries(
  db: Db,
  q: { runId: string; stepId?: string | undefined; name: string; buckets: number; align?: 'step' | 'time' | undefined },
): MethodOutput<'metrics.series'> {
  requireRun(db, q.runId);
  let steps: string[];
  if (q.stepId !== undefined) steps = [q.stepId];
  else {
    steps = (stmt(db, 'SELECT step_id FROM metric_series WHERE run_id = ? AND name = ? ORDER BY step_id').all(q.runId, q.name) as Array<{ step_id: string }>).map((r) => r.step_id);
    if (steps.length === 0) {
      steps = (stmt(db, 'SELECT DISTINCT step_id FROM metrics WHERE run_id = ? AND name = ? ORDER BY step_id').all(q.runId, q.name) as Array<{ step_id: string }>).map((r) => r.step_id);
    }
  }
  if (q.align === 'time') {
    const run = stmt(db, 'SELECT coalesce(started_at, created_at) AS t0 FROM runs WHERE id = ?').get(q.runId) as { t0: number };
    return steps.map((stepId) => timeSeries(db, q.runId, stepId, q.name, q.buckets, run.t0));
  }
  return steps.map((stepId) => oneSeries(db, q.runId, stepId, q.name, q.buckets));
}

/**
 * x = seconds since the run started, from each point's wall-clock `ts` (the rollups are
 * keyed by step, so time alignment reads the raw points), bucketed like the step series.
 */
function timeSeries(db: Db, runId: string, stepId: string, name: string, buckets: number, t0: number): Series {
  const rows = stmt(db, 'SELECT ts, value FROM metrics WHERE run_id = ? AND step_id = ? AND name = ? ORDER BY ts, rowid')
    .raw(true)
    .all(runId, stepId, name) as Array<[number, number]>;
  const pts = rows.map(([ts, v]) => ({ x: (ts - t0) / 1000, v }));
  const out: Series = { stepId, name, total: pts.length, x: [], y: [], min: [], max: [] };
  if (pts.length <= buckets) {
    for (const p of pts) push(out, p.x, p.v, p.v, p.v);
    return out;
  }
  const lo = (pts[0] as { x: number }).x;
  const hi = (pts[pts.length - 1] as { x: number }).x;
  return bucketPoints(out, pts, lo, (hi - lo) / buckets || 1, buckets);
}

function oneSeries(db: Db, runId: string, stepId: string, name: string, buckets: number): Series {
  const s = stmt(db, 'SELECT n, x_lo, x_hi FROM metric_series WHERE run_id = ? AND step_id = ? AND name = ?').get(runId, stepId, name) as SeriesRow | undefined;
  if (s === undefined) return rawScanSeries(db, runId, stepId, name, buckets);
  const out: Series = { stepId, name, total: s.n, x: [], y: [], min: [], max: [] };
  if (s.n <= buckets) {
    for (const p of rawPoints(db, runId, stepId, name)) push(out, p.x, p.v, p.v, p.v);
    return out;
  }
  // The coarsest level whose x range still covers ≥ buckets blocks.
  let level = -1;
  for (let L = BLOCK_LEVELS - 1; L >= 0; L--) {
    const size = blockSize(L);
    if (Math.floor(s.x_hi / size) - Math.floor(s.x_lo / size) + 1 >= buckets) {
      level = L;
      break;
    }
  }
  // Integer x: `buckets` ranges of equal width over [x_lo, x_hi + 1).
  if (level < 0 && s.n <= RAW_BUCKETING_LIMIT) return bucketPoints(out, rawPoints(db, runId, stepId, name), s.x_lo, (s.x_hi - s.x_lo + 1) / buckets, buckets);
  level = Math.max(level, 0);
  const size = blockSize(level);
  const first = Math.floor(s.x_lo / size);
  const span = Math.floor(s.x_hi / size) - first + 1;
  const per = Math.ceil(span / buckets);
  const blocks = stmt(db, 'SELECT block, x0, n, sum, min, max FROM metric_blocks WHERE run_id = ? AND step_id = ? AND name = ? AND level = ? ORDER BY block')
    .raw(true)
    .all(runId, stepId, name, level) as Array<[number, number, number, number, number, number]>;
  let g = -1;
  let x = 0, n = 0, sum = 0, lo = 0, hi = 0;
  for (const [block, x0, bn, bsum, bmin, bmax] of blocks) {
    const bg = Math.floor((block - first) / per);
    if (bg !== g) {
      if (g >= 0) push(out, x, sum / n, lo, hi);
      g = bg;
      x = x0;
      n = bn;
      sum = bsum;
      lo = bmin;
      hi = bmax;
    } else {
      n += bn;
      sum += bsum;
      if (bmin < lo) lo = bmin;
      if (bmax > hi) hi = bmax;
    }
  }
  if (g >= 0) push(out, x, sum / n, lo, hi);
  return out;
}

function push(out: Series, x: number, y: number, lo: number, hi: number): void {
  out.x.push(x);
  out.y.push(y);
  out.min.push(lo);
  out.max.push(hi);
}

/** The raw points of a series, x-sorted (x = step, or insertion index in the series). */
function rawPoints(db: Db, runId: string, stepId: string, name: string): Array<{ x: number; v: number }> {
  const rows = stmt(db, 'SELECT step, value FROM metrics WHERE run_id = ? AND step_id = ? AND name = ? ORDER BY rowid')
    .raw(true)
    .all(runId, stepId, name) as Array<[number | null, number]>;
  const pts = rows.map(([step, v], i) => ({ x: step ?? i, v, i }));
  pts.sort((a, b) => a.x - b.x || a.i - b.i);
  return pts;
}

/** Buckets x-sorted points into at most `buckets` ranges of `width` from `x0` (the last one takes the end point). */
function bucketPoints(out: Series, pts: ReadonlyArray<{ x: number; v: number }>, x0: number, width: number, buckets: number): Series {
  let g = -1;
  let x = 0, n = 0, sum = 0, lo = 0, hi = 0;
  for (const p of pts) {
    const pg = Math.min(buckets - 1, Math.floor((p.x - x0) / width));
    if (pg !== g) {
      if (g >= 0) push(out, x, sum / n, lo, hi);
      g = pg;
      x = p.x;
      n = 1;
      sum = lo = hi = p.v;
    } else {
      n++;
      sum += p.v;
      if (p.v < lo) lo = p.v;
      if (p.v > hi) hi = p.v;
    }
  }
  if (g >= 0) push(out, x, sum / n, lo, hi);
  return out;
}

interface Bucket {
  x: number;
  y: number;
  lo: number;
  hi: number;
}

/**
 * A series with no rollup row: its points were inserted without appendMetrics (tests that
 * write the table directly). Downsampled by a scan of the covering index metrics_series.
 */
function rawScanSeries(db: Db, runId: string, stepId: string, name: string, buckets: number): Series {
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
    const width = (stats.hi - stats.lo + 1) / buckets;
    rows = db
      .prepare(`SELECT min(step) AS x, avg(value) AS y, min(value) AS lo, max(value) AS hi FROM metrics
                WHERE run_id = ? AND step_id = ? AND name = ? GROUP BY CAST((step - ?) / ? AS INTEGER) ORDER BY x`)
      .all(...key, stats.lo, width) as Bucket[];
  } else {
    rows = db
      .prepare(`SELECT min(i) AS x, avg(value) AS y, min(value) AS lo, max(value) AS hi FROM (
                  SELECT row_number() OVER (ORDER BY step, rowid) - 1 AS i, value FROM metrics WHERE run_id = ? AND step_id = ? AND name = ?)
                GROUP BY i * ? / ? ORDER BY x`)
      .all(...key, buckets, stats.n) as Bucket[];
  }
  return { stepId, name, total: stats.n, x: rows.map((r) => r.x), y: rows.map((r) => r.y), min: rows.map((r) => r.lo), max: rows.map((r) => r.hi) };
}
