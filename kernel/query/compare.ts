/**
 * `runs.compare` (U6): params, final metrics and `select` results of 2–50 runs side by side.
 * Every table is read once for all runs (an `IN (…)` query each), never once per run per
 * step, so comparing 50 sweep runs costs a handful of indexed queries.
 */
import { canonicalJson } from '../common/canonical';
import type { Compare } from '../common/contract-compare';
import { isArtifactRef, type Plan } from '../common/plan';
import { decodeJson, type BlobSink } from '../store/json-column';
import { BLOCK_LEVELS } from '../store/metrics-repo';
import type { Db } from '../store/db';
import { stmt } from '../store/sql';
import { rerunOrigins } from '../replay/rerun-record';
import { NotFoundError } from './run-detail';

type Scalar = string | number | boolean | null;
type MetricAgg = { last: number; min: number; max: number; count: number };

/** Objects with more keys than this (and every array) are shown as one canonical JSON string. */
const MAX_FLAT_KEYS = 20;

/** @example compareRuns(db, cas, ['r1', 'r2']).differingParams // ['train.lr'] */
export function compareRuns(db: Db, blobs: BlobSink | null, runIds: readonly string[]): Compare {
  const ids = [...new Set(runIds)];
  const inList = `(${ids.map(() => '?').join(',')})`;
  const runRows = stmt(db, `SELECT id, name, state, created_at, tags, plan_json FROM runs WHERE id IN ${inList}`).all(...ids) as Array<{
    id: string; name: string; state: string; created_at: number; tags: string; plan_json: string;
  }>;
  const byId = new Map(runRows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new NotFoundError(`no run with id ${missing.map((m) => `"${m}"`).join(', ')}`);

  const stepRows = stmt(db, `SELECT run_id, step_id, params_json, outputs_json FROM steps WHERE run_id IN ${inList}`).all(...ids) as Array<{
    run_id: string; step_id: string; params_json: string | null; outputs_json: string | null;
  }>;
  const stepsOf = new Map<string, Map<string, { params: string | null; outputs: string | null }>>();
  for (const s of stepRows) {
    let m = stepsOf.get(s.run_id);
    if (!m) stepsOf.set(s.run_id, (m = new Map()));
    m.set(s.step_id, { params: s.params_json, outputs: s.outputs_json });
  }
  const metrics = metricAggregates(db, ids, inList);
  const origins = rerunOrigins(db, ids);

  const selects: Compare['selects'] = [];
  const runs = ids.map((id) => {
    const row = byId.get(id) as (typeof runRows)[number];
    const plan = JSON.parse(row.plan_json) as Plan;
    const rows = stepsOf.get(id) ?? new Map();
    const params: Record<string, Scalar> = {};
    for (const step of plan.steps) {
      const r = rows.get(step.id);
      // Resolved params once the step ran; the plan's (with unresolved refs) before that.
      const p = r?.params ? decodeJson<Record<string, unknown>>(r.params, blobs) : step.params;
      flattenParams(p ?? {}, step.id, params);
      if (step.skill === 'select' && r?.outputs) selects.push(selectEntry(id, step.id, decodeJson(r.outputs, blobs)));
    }
    return {
      id, name: row.name, state: row.state, createdAt: row.created_at, tags: JSON.parse(row.tags) as string[],
      rerunOf: origins.get(id) ?? null, params, metrics: metrics.get(id) ?? {},
    };
  });

  const paramKeys = new Set(runs.flatMap((r) => Object.keys(r.params)));
  const differingParams = [...paramKeys].filter((k) => new Set(runs.map((r) => (k in r.params ? JSON.stringify(r.params[k]) : '\u0000absent'))).size > 1).sort();
  const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  return { runs, differingParams, metricKeys, selects };
}

/**
 * Flattens params to `<step>.<dotted.path>` scalars: artifact refs as their digest, arrays
 * and large objects as canonical JSON (a table cell, comparable as a string).
 */
export function flattenParams(value: unknown, prefix: string, out: Record<string, Scalar>): void {
  if (isArtifactRef(value)) out[prefix] = value.$artifact;
  else if (Array.isArray(value)) out[prefix] = canonicalJson(value);
  else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length > MAX_FLAT_KEYS) out[prefix] = canonicalJson(value);
    else for (const [k, v] of entries) flattenParams(v, `${prefix}.${k}`, out);
  } else out[prefix] = (value ?? null) as Scalar;
}

/**
 * count/min/max from the rollups (metric_series, the top metric_blocks level: a few rows
 * per series), the last value from the covering index (highest step, then latest insert);
 * series written without rollups (tests only) are aggregated from the raw table.
 */
function metricAggregates(db: Db, ids: string[], inList: string): Map<string, Record<string, MetricAgg>> {
  const rows = stmt(db, `
    SELECT s.run_id AS runId, s.step_id AS stepId, s.name, s.n AS count, min(b.min) AS min, max(b.max) AS max,
      (SELECT value FROM metrics m WHERE m.run_id = s.run_id AND m.step_id = s.step_id AND m.name = s.name ORDER BY m.step DESC, m.rowid DESC LIMIT 1) AS last
    FROM metric_series s JOIN metric_blocks b ON b.run_id = s.run_id AND b.step_id = s.step_id AND b.name = s.name AND b.level = ${BLOCK_LEVELS - 1}
    WHERE s.run_id IN ${inList} GROUP BY s.run_id, s.step_id, s.name`).all(...ids) as Array<MetricAgg & { runId: string; stepId: string; name: string }>;
  const out = new Map<string, Record<string, MetricAgg>>();
  const put = (r: MetricAgg & { runId: string; stepId: string; name: string }): void => {
    let m = out.get(r.runId);
    if (!m) out.set(r.runId, (m = {}));
    m[`${r.stepId}.${r.name}`] ??= { last: r.last, min: r.min, max: r.max, count: r.count };
  };
  rows.forEach(put);
  const rolled = new Set(rows.map((r) => r.runId));
  const raw = ids.filter((id) => !rolled.has(id));
  if (raw.length > 0) {
    const rawRows = stmt(db, `
      SELECT run_id AS runId, step_id AS stepId, name, count(*) AS count, min(value) AS min, max(value) AS max,
        (SELECT value FROM metrics m WHERE m.run_id = g.run_id AND m.step_id = g.step_id AND m.name = g.name ORDER BY m.step DESC, m.rowid DESC LIMIT 1) AS last
      FROM metrics g WHERE run_id IN (${raw.map(() => '?').join(',')}) GROUP BY run_id, step_id, name`).all(...raw) as Array<MetricAgg & { runId: string; stepId: string; name: string }>;
    rawRows.forEach(put);
  }
  return out;
}

interface RankedRow {
  rank: number | null;
  config: string;
  params: Record<string, unknown>;
  n: number;
  mean: number | null;
  ci95: [number, number] | null;
}

/** A `select` step's outputs (skills/ml/select.ts) as the compare view's rows. */
function selectEntry(runId: string, stepId: string, outputs: unknown): Compare['selects'][number] {
  const o = (outputs ?? {}) as { metric?: string; direction?: string; ranking?: RankedRow[]; winner?: { config: string } | null };
  const rows = (o.ranking ?? []).map((r) => ({
    trial: r.config, params: r.params ?? {}, mean: r.mean, lo: r.ci95?.[0] ?? null, hi: r.ci95?.[1] ?? null, n: r.n, rank: r.rank,
  }));
  return { runId, stepId, metric: o.metric ?? '', direction: o.direction ?? '', rows, best: o.winner?.config ?? null };
}
