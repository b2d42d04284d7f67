/**
 * The `metrics` table (values jobs report through the line protocol) and its rollups:
 * `metric_series` (one row per series: point count, x range) and `metric_blocks`
 * (count/sum/min/max of fixed x ranges at several levels, migration 0005). Every writer goes
 * through appendMetrics, which inserts the raw points and upserts the touched rollup rows in
 * the same transaction, so `metrics.series` reads a few thousand rollup rows instead of
 * scanning the whole series.
 *
 * A point's x is its step number, or — when it has none — its index in the series
 * (insertion order, counting every point of the series).
 */
import type { Db } from './db';
import { stmt } from './sql';

export interface MetricPoint {
  name: string;
  value: number;
  step: number | null;
  ts: number;
}

/** One point of appendMetrics: a MetricPoint and the step attempt it belongs to. */
export interface MetricRow extends MetricPoint {
  runId: string;
  stepId: string;
  attempt: number;
}

/** Level L of metric_blocks holds blocks of BLOCK_BASE·BLOCK_FANOUT^L consecutive x values. */
export const BLOCK_BASE = 64;
export const BLOCK_FANOUT = 4;
export const BLOCK_LEVELS = 8;
/** Block size (in x units) of a level. @example blockSize(0) // 64 */
export const blockSize = (level: number): number => BLOCK_BASE * BLOCK_FANOUT ** level;

/** Rows per multi-row INSERT: fewer statement calls, well under SQLite's variable limit. */
const RAW_CHUNK = 128;
const BLOCK_CHUNK = 64;

interface Agg {
  block: number;
  x0: number;
  x1: number;
  n: number;
  sum: number;
  min: number;
  max: number;
}

interface SeriesAcc {
  runId: string;
  stepId: string;
  name: string;
  /** Points in the series before this batch (the next step-less point's index). */
  base: number;
  added: number;
  xLo: number;
  xHi: number;
  level0: Map<number, Agg>;
}

const rawSql = (k: number): string =>
  `INSERT INTO metrics (run_id, step_id, attempt, name, step, value, ts) VALUES ${Array(k).fill('(?,?,?,?,?,?,?)').join(',')}`;
const blockSql = (k: number): string =>
  `INSERT INTO metric_blocks (run_id, step_id, name, level, block, x0, x1, n, sum, min, max) VALUES ${Array(k).fill('(?,?,?,?,?,?,?,?,?,?,?)').join(',')}
   ON CONFLICT (run_id, step_id, name, level, block) DO UPDATE SET
     x0 = min(x0, excluded.x0), x1 = max(x1, excluded.x1), n = n + excluded.n, sum = sum + excluded.sum,
     min = min(min, excluded.min), max = max(max, excluded.max)`;
const SERIES_UPSERT = `INSERT INTO metric_series (run_id, step_id, name, n, x_lo, x_hi) VALUES (?, ?, ?, ?, ?, ?)
   ON CONFLICT (run_id, step_id, name) DO UPDATE SET n = n + excluded.n, x_lo = min(x_lo, excluded.x_lo), x_hi = max(x_hi, excluded.x_hi)`;

/**
 * Inserts metric points and keeps their rollups exact, in one transaction (a savepoint when
 * called inside one). Batches of thousands of rows are the fast path.
 * @example appendMetrics(db, [{ runId, stepId: 'train', attempt: 1, name: 'loss', step: 0, value: 2.3, ts: Date.now() }])
 */
export function appendMetrics(db: Db, rows: readonly MetricRow[]): void {
  if (rows.length === 0) return;
  db.transaction(() => {
    insertRaw(db, rows);
    rollupMetrics(db, rows);
  })();
}

/** The metrics of one step attempt (the commit path); goes through appendMetrics. */
export function insertMetrics(db: Db, runId: string, stepId: string, attempt: number, points: readonly MetricPoint[]): void {
  appendMetrics(db, points.map((p) => ({ runId, stepId, attempt, name: p.name, step: p.step, value: p.value, ts: p.ts })));
}

function insertRaw(db: Db, rows: readonly MetricRow[]): void {
  const full = stmt(db, rawSql(RAW_CHUNK));
  const args: unknown[] = new Array(RAW_CHUNK * 7);
  let i = 0;
  for (; i + RAW_CHUNK <= rows.length; i += RAW_CHUNK) {
    for (let j = 0; j < RAW_CHUNK; j++) {
      const r = rows[i + j] as MetricRow;
      const o = j * 7;
      args[o] = r.runId;
      args[o + 1] = r.stepId;
      args[o + 2] = r.attempt;
      args[o + 3] = r.name;
      args[o + 4] = r.step;
      args[o + 5] = r.value;
      args[o + 6] = r.ts;
    }
    full.run(args);
  }
  const one = stmt(db, rawSql(1));
  for (; i < rows.length; i++) {
    const r = rows[i] as MetricRow;
    one.run(r.runId, r.stepId, r.attempt, r.name, r.step, r.value, r.ts);
  }
}

/**
 * Adds already-inserted points (in insertion order) to metric_series and metric_blocks.
 * Used by appendMetrics and by migration 0005's back-fill.
 */
export function rollupMetrics(db: Db, rows: ReadonlyArray<Pick<MetricRow, 'runId' | 'stepId' | 'name' | 'step' | 'value'>>): void {
  const getSeries = stmt(db, 'SELECT n FROM metric_series WHERE run_id = ? AND step_id = ? AND name = ?');
  const series = new Map<string, SeriesAcc>();
  let s: SeriesAcc | undefined;
  let a: Agg | undefined;
  for (const r of rows) {
    // Batches are mostly runs of one series and of consecutive steps: reuse the last lookup.
    if (s === undefined || r.name !== s.name || r.stepId !== s.stepId || r.runId !== s.runId) {
      const key = `${r.runId}\u0000${r.stepId}\u0000${r.name}`;
      s = series.get(key);
      if (s === undefined) {
        const base = (getSeries.get(r.runId, r.stepId, r.name) as { n: number } | undefined)?.n ?? 0;
        s = { runId: r.runId, stepId: r.stepId, name: r.name, base, added: 0, xLo: Infinity, xHi: -Infinity, level0: new Map() };
        series.set(key, s);
      }
      a = undefined;
    }
    const x = r.step ?? s.base + s.added;
    s.added++;
    if (x < s.xLo) s.xLo = x;
    if (x > s.xHi) s.xHi = x;
    const b = Math.floor(x / BLOCK_BASE);
    const v = r.value;
    if (a === undefined || a.block !== b) a = s.level0.get(b);
    if (a === undefined) {
      a = { block: b, x0: x, x1: x, n: 1, sum: v, min: v, max: v };
      s.level0.set(b, a);
    } else {
      if (x < a.x0) a.x0 = x;
      if (x > a.x1) a.x1 = x;
      a.n++;
      a.sum += v;
      if (v < a.min) a.min = v;
      if (v > a.max) a.max = v;
    }
  }
  const upSeries = stmt(db, SERIES_UPSERT);
  const full = stmt(db, blockSql(BLOCK_CHUNK));
  const one = stmt(db, blockSql(1));
  const args: unknown[] = new Array(BLOCK_CHUNK * 11);
  for (const s of series.values()) {
    upSeries.run(s.runId, s.stepId, s.name, s.added, s.xLo, s.xHi);
    let level = [...s.level0.values()];
    for (let L = 0; L < BLOCK_LEVELS; L++) {
      let i = 0;
      for (; i + BLOCK_CHUNK <= level.length; i += BLOCK_CHUNK) {
        for (let j = 0; j < BLOCK_CHUNK; j++) fillBlockArgs(args, j * 11, s, L, level[i + j] as Agg);
        full.run(args);
      }
      for (; i < level.length; i++) {
        const a = level[i] as Agg;
        one.run(s.runId, s.stepId, s.name, L, a.block, a.x0, a.x1, a.n, a.sum, a.min, a.max);
      }
      if (L + 1 < BLOCK_LEVELS) level = coarsen(level);
    }
  }
}

function fillBlockArgs(args: unknown[], o: number, s: SeriesAcc, level: number, a: Agg): void {
  args[o] = s.runId;
  args[o + 1] = s.stepId;
  args[o + 2] = s.name;
  args[o + 3] = level;
  args[o + 4] = a.block;
  args[o + 5] = a.x0;
  args[o + 6] = a.x1;
  args[o + 7] = a.n;
  args[o + 8] = a.sum;
  args[o + 9] = a.min;
  args[o + 10] = a.max;
}

/** Merges blocks of one level into the blocks of the next (BLOCK_FANOUT times larger). */
function coarsen(blocks: readonly Agg[]): Agg[] {
  const out = new Map<number, Agg>();
  for (const c of blocks) {
    const b = Math.floor(c.block / BLOCK_FANOUT);
    const a = out.get(b);
    if (a === undefined) out.set(b, { ...c, block: b });
    else {
      if (c.x0 < a.x0) a.x0 = c.x0;
      if (c.x1 > a.x1) a.x1 = c.x1;
      a.n += c.n;
      a.sum += c.sum;
      if (c.min < a.min) a.min = c.min;
      if (c.max > a.max) a.max = c.max;
    }
  }
  return [...out.values()];
}

export function listMetrics(db: Db, runId: string, stepId?: string): Array<MetricPoint & { step_id: string }> {
  if (stepId !== undefined) {
    return stmt(db, 'SELECT step_id, name, step, value, ts FROM metrics WHERE run_id = ? AND step_id = ? ORDER BY name, step').all(
      runId,
      stepId,
    ) as Array<MetricPoint & { step_id: string }>;
  }
  return stmt(db, 'SELECT step_id, name, step, value, ts FROM metrics WHERE run_id = ? ORDER BY step_id, name, step').all(
    runId,
  ) as Array<MetricPoint & { step_id: string }>;
}
