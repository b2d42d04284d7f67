/**
 * `runs.list`: one page of the runs browser, sorted, filtered and searched in SQL over the
 * summary columns of migration 0004, so it stays fast at 100,000 runs (docs/serve.md).
 */
import type { MethodOutput, RunSummary } from '../common/contract';
import type { runsListInput } from '../common/contract';
import type { RunState } from '../common/plan';
import type { Db } from '../store/db';
import type { z } from 'zod';

export type RunsListQuery = z.output<typeof runsListInput>;

/** Columns of a runs-browser row (never plan_json: rows stay small). */
export const SUMMARY_COLUMNS =
  'id, name, state, experiment_file, created_at, started_at, ended_at, duration_ms, steps_count, target, tags, best_name, best_value, error';

export interface SummaryRow {
  id: string;
  name: string;
  state: RunState;
  experiment_file: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
  steps_count: number;
  target: string;
  tags: string;
  best_name: string | null;
  best_value: number | null;
  error: string | null;
}

const ORDER: Record<RunsListQuery['sort']['field'], string> = {
  createdAt: 'created_at',
  name: 'name',
  state: 'state',
  durationMs: 'duration_ms',
  bestMetric: 'best_value',
};

export function toSummary(r: SummaryRow): RunSummary {
  return {
    id: r.id,
    name: r.name,
    state: r.state,
    experimentFile: r.experiment_file,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    durationMs: r.duration_ms ?? (r.started_at !== null && r.ended_at !== null ? r.ended_at - r.started_at : null),
    steps: r.steps_count,
    target: r.target,
    tags: JSON.parse(r.tags) as string[],
    bestMetric: r.best_name !== null && r.best_value !== null ? { name: r.best_name, value: r.best_value } : null,
    error: r.error,
  };
}

/** Escapes LIKE wildcards so a search for `50%` means the characters. */
const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * @example listRunSummaries(db, runsListInput.parse({ filter: { states: ['FAILED'] }, limit: 50 }))
 */
export function listRunSummaries(db: Db, q: RunsListQuery): MethodOutput<'runs.list'> {
  const where: string[] = [];
  const args: unknown[] = [];
  const f = q.filter;
  if (f.states && f.states.length > 0) {
    where.push(`state IN (${f.states.map(() => '?').join(', ')})`);
    args.push(...f.states);
  }
  if (f.experiment !== undefined && f.experiment !== '') {
    // An experiment is named by its plan name, or by its file when it looks like a path.
    where.push(/[/\\]|\.ya?ml$/.test(f.experiment) ? 'experiment_file = ?' : 'name = ?');
    args.push(f.experiment);
  }
  if (f.tag !== undefined && f.tag !== '') {
    where.push('id IN (SELECT run_id FROM run_tags WHERE tag = ?)');
    args.push(f.tag);
  }
  if (f.param) {
    const v = f.param.value;
    if (typeof v === 'number') {
      where.push('id IN (SELECT run_id FROM run_params WHERE key = ? AND value_num = ?)');
    } else {
      where.push('id IN (SELECT run_id FROM run_params WHERE key = ? AND value_text = ?)');
    }
    args.push(f.param.key, typeof v === 'number' ? v : String(v));
  }
  const search = f.search?.trim();
  if (search) {
    // The trigram index answers LIKE on its own for 3+ characters; shorter terms scan it.
    where.push("rowid IN (SELECT rowid FROM runs_fts WHERE text LIKE ? ESCAPE '\\')");
    args.push(`%${likeEscape(search)}%`);
  }
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const col = ORDER[q.sort.field];
  const dir = q.sort.dir === 'asc' ? 'ASC' : 'DESC';
  // Nulls (running runs have no duration or best metric) always sort last.
  const nullable = col === 'duration_ms' || col === 'best_value';
  // Each order matches one index of migration 0004 walked in one direction.
  const order = !nullable
    ? `${col} ${dir}, created_at ${dir}${col === 'created_at' ? `, id ${dir}` : ''}`
    : dir === 'ASC'
      ? `${col} IS NULL ASC, ${col} ASC, created_at ASC`
      : `${col} IS NOT NULL DESC, ${col} DESC, created_at DESC`;
  const total = (db.prepare(`SELECT count(*) AS n FROM runs ${whereSql}`).get(...args) as { n: number }).n;
  const rows = db
    .prepare(`SELECT ${SUMMARY_COLUMNS} FROM runs ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(...args, q.limit, q.offset) as SummaryRow[];
  return { total, rows: rows.map(toSummary) };
}
