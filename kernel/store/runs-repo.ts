/** The `runs` table: run records and their states (the lease is in lease.ts). */
import type { Db } from './db';
import { stmt } from './sql';
import type { RunState } from '../common/plan';

export interface RunRow {
  id: string;
  name: string;
  experiment_file: string | null;
  experiment_digest: string | null;
  plan_json: string;
  plan_digest: string;
  state: RunState;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  error: string | null;
}

export interface NewRun {
  id: string;
  name: string;
  experimentFile: string | null;
  experimentDigest: string | null;
  planJson: string;
  planDigest: string;
  createdAt: number;
}

export function insertRun(db: Db, r: NewRun): void {
  stmt(
    db,
    `INSERT INTO runs (id, name, experiment_file, experiment_digest, plan_json, plan_digest, state, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'CREATED', ?)`,
  ).run(r.id, r.name, r.experimentFile, r.experimentDigest, r.planJson, r.planDigest, r.createdAt);
  indexRunPlan(db, r.id, r.planJson);
}

/**
 * Fills a new run's browsing summary (migration 0004): step count, main target, tags (the
 * plan's skills), scalar step params and the search text. Runs are immutable once planned,
 * so this happens once, at insert. `search: false` leaves the search row to a bulk loader.
 * @example indexRunPlan(db, 'r1', JSON.stringify(plan))
 */
export function indexRunPlan(db: Db, runId: string, planJson: string, opts: { search?: boolean } = {}): void {
  const plan = JSON.parse(planJson) as { steps?: Array<{ skill?: unknown; target?: unknown; params?: Record<string, unknown> }> };
  const steps = Array.isArray(plan.steps) ? plan.steps : [];
  const targets = new Map<string, number>();
  const skills = new Set<string>();
  const params = new Map<string, [string, string, number | null]>();
  for (const s of steps) {
    const t = typeof s.target === 'string' ? s.target : 'local';
    targets.set(t, (targets.get(t) ?? 0) + 1);
    if (typeof s.skill === 'string') skills.add(s.skill);
    for (const [key, v] of Object.entries(s.params ?? {})) {
      const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
      if (text !== null) params.set(`${key}\0${text}`, [key, text, typeof v === 'number' ? v : null]);
    }
  }
  const target = [...targets].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'local';
  const tags = [...skills].sort();
  const tagsJson = JSON.stringify(tags);
  const row = stmt(db, 'UPDATE runs SET steps_count = ?, target = ?, tags = ? WHERE id = ? RETURNING rowid, name, experiment_file').get(
    steps.length, target, tagsJson, runId,
  ) as { rowid: number; name: string; experiment_file: string | null };
  const p = stmt(db, 'INSERT OR IGNORE INTO run_params (run_id, key, value_text, value_num) VALUES (?, ?, ?, ?)');
  for (const [key, text, num] of params.values()) p.run(runId, key, text, num);
  const t = stmt(db, 'INSERT OR IGNORE INTO run_tags (tag, run_id) VALUES (?, ?)');
  for (const tag of tags) t.run(tag, runId);
  if (opts.search === false) return;
  stmt(db, 'INSERT INTO runs_fts (rowid, text) VALUES (?, ?)').run(row.rowid, `${runId} ${row.name} ${row.experiment_file ?? ''} ${tagsJson}`);
}

export function getRun(db: Db, id: string): RunRow | undefined {
  return stmt(db, 'SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
}

/** Accepts a unique prefix of a run id, as git does for commits. */
export function findRunId(db: Db, idOrPrefix: string): string | 'ambiguous' | undefined {
  const exact = stmt(db, 'SELECT id FROM runs WHERE id = ?').get(idOrPrefix) as { id: string } | undefined;
  if (exact) return exact.id;
  const rows = stmt(db, "SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 2").all(
    `${idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
  ) as Array<{ id: string }>;
  if (rows.length > 1) return 'ambiguous';
  return rows[0]?.id;
}

export function setRunState(db: Db, id: string, state: RunState, at: number, error: string | null = null): void {
  const terminal = state === 'COMPLETED' || state === 'FAILED' || state === 'ABORTED';
  stmt(
    db,
    `UPDATE runs SET state = ?, error = ?,
       started_at = CASE WHEN ? = 'RUNNING' AND started_at IS NULL THEN ? ELSE started_at END,
       ended_at = CASE WHEN ? THEN ? ELSE NULL END
     WHERE id = ?`,
  ).run(state, error, state, at, terminal ? 1 : 0, at, id);
}

export interface RunListFilter {
  state?: RunState;
  name?: string;
  limit?: number;
  offset?: number;
}

export function listRuns(db: Db, f: RunListFilter = {}): RunRow[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.state) {
    where.push('state = ?');
    args.push(f.state);
  }
  if (f.name) {
    where.push('name = ?');
    args.push(f.name);
  }
  const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`;
  return db.prepare(sql).all(...args, f.limit ?? 50, f.offset ?? 0) as RunRow[];
}
