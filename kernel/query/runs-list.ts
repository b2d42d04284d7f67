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
 * One page in two steps: the page's rowids are picked from indexes alone (side tables
 * joined by id onto the covering index runs_browse_id of migration 0006, or a sort index
 * walked with OFFSET), then only those rows are read. The count is taken from the same
 * joins, driven by the side table (tag, param, search) rather than by a scan of runs.
 * @example listRunSummaries(db, runsListInput.parse({ filter: { states: ['FAILED'] }, limit: 50 }))
 */
export function listRunSummaries(db: Db, q: RunsListQuery): MethodOutput<'runs.list'> {
  const f = q.filter;
  const search = f.search?.trim();
  // Side filters (tag, param, search) are tables of matching runs: they drive, in a fixed
  // order (CROSS JOIN; SQLite would otherwise probe them once per run): the id-keyed ones
  // first, then runs by id through its covering index (no wide row is read before the page
  // is known), then the search index by rowid. A search alone drives and reads runs by rowid.
  const from: string[] = [];
  const where: string[] = [];
  const args: unknown[] = [];
  const tag = f.tag !== undefined && f.tag !== '' ? f.tag : undefined;
  // A param drives and the tag follows by its primary key (tag, run_id).
  if (f.param) {
    const v = f.param.value;
    from.push('run_params p');
    where.push(`p.key = ? AND p.${typeof v === 'number' ? 'value_num' : 'value_text'} = ?`);
    args.push(f.param.key, typeof v === 'number' ? v : String(v));
  }
  if (tag !== undefined) {
    from.push('run_tags t');
    where.push('t.tag = ?');
    args.push(tag);
    if (f.param) where.push('t.run_id = p.run_id');
  }
  if (from.length > 0) {
    from.push('runs r INDEXED BY runs_browse_id');
    where.push(`r.id = ${f.param ? 'p' : 't'}.run_id`);
  }
  if (search) {
    // The trigram index answers LIKE on its own for 3+ characters; shorter terms scan it.
    from.push('runs_fts f');
    // ESCAPE turns FTS5's trigram LIKE into a full scan: only terms with wildcards get it.
    const wild = /[\\%_]/.test(search);
    where.push(wild ? "f.text LIKE ? ESCAPE '\\'" : 'f.text LIKE ?');
    args.push(`%${wild ? likeEscape(search) : search}%`);
    if (from.length > 1) where.push('f.rowid = r.rowid');
  }
  if (from.length === 0 || from[0] === 'runs_fts f') {
    from.push('runs r');
    if (search) where.push('r.rowid = f.rowid');
  }
  if (f.states && f.states.length > 0) {
    where.push(`r.state IN (${f.states.map(() => '?').join(', ')})`);
    args.push(...f.states);
  }
  if (f.experiment !== undefined && f.experiment !== '') {
    // An experiment is named by its plan name, or by its file when it looks like a path.
    where.push(/[/\\]|\.ya?ml$/.test(f.experiment) ? 'r.experiment_file = ?' : 'r.name = ?');
    args.push(f.experiment);
  }
  const fromSql = `${from.join(' CROSS JOIN ')}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
  const col = `r.${ORDER[q.sort.field]}`;
  const dir = q.sort.dir === 'asc' ? 'ASC' : 'DESC';
  // Nulls (running runs have no duration or best metric) always sort last.
  const nullable = col === 'r.duration_ms' || col === 'r.best_value';
  // Without side filters each order matches one index of migration 0004 walked in one
  // direction, so even OFFSET 99,900 only steps through index entries.
  const order = !nullable
    ? col === 'r.created_at'
      ? `r.created_at ${dir}, r.id ${dir}`
      : `${col} ${dir}, r.created_at ${dir}`
    : dir === 'ASC'
      ? `${col} IS NULL ASC, ${col} ASC, r.created_at ASC`
      : `${col} IS NOT NULL DESC, ${col} DESC, r.created_at DESC`;
  const total = stmt(db, `SELECT count(*) FROM ${fromSql}`).pluck().get(...args) as number;
  if (total === 0 || q.offset >= total) return { total, rows: [] };
  const ids = stmt(db, `SELECT r.rowid FROM ${fromSql} ORDER BY ${order} LIMIT ? OFFSET ?`).pluck().all(...args, q.limit, q.offset) as number[];
  const byRowid = new Map<number, SummaryRow>();
  const rows = stmt(db, `SELECT rowid AS rid, ${SUMMARY_COLUMNS} FROM runs WHERE rowid IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids));
  for (const r of rows as Array<SummaryRow & { rid: number }>) byRowid.set(r.rid, r);
  return { total, rows: ids.map((id) => toSummary(byRowid.get(id)!)) };
}

/** Prepared statements are cached per database (runs.list builds a few dozen shapes). */
const cache = new WeakMap<Db, Map<string, ReturnType<Db['prepare']>>>();
function stmt(db: Db, sql: string): ReturnType<Db['prepare']> {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}
