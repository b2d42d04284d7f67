/**
 * The `launches`, `launch_runs` and `run_cancel_requests` tables (migration 0007): runs the
 * app launched, the ones it left unfinished, and cancel requests for runs that another
 * process executes.
 */
import { TERMINAL_STEP_STATES, type RunState, type StepState } from '../common/plan';
import type { Db } from './db';
import { appendEvent } from './events-repo';
import { liveLeaseHolder, ownerIsDead } from './lease';
import { setRunState } from './runs-repo';
import { stmt } from './sql';
import { updateStep } from './steps-repo';

export const ACTIVE_RUN_STATES: readonly RunState[] = ['CREATED', 'PLANNED', 'RUNNING'];

export function insertLaunch(db: Db, l: { id: string; experimentFile: string; driver: string; spec: unknown; createdAt: number }): void {
  stmt(db, 'INSERT INTO launches (id, experiment_file, driver, spec_json, created_at) VALUES (?, ?, ?, ?, ?)').run(l.id, l.experimentFile, l.driver, JSON.stringify(l.spec), l.createdAt);
}

export function endLaunch(db: Db, id: string, at: number, error: string | null): void {
  stmt(db, 'UPDATE launches SET ended_at = ?, error = ? WHERE id = ?').run(at, error, id);
}

export function addLaunchRun(db: Db, launchId: string, runId: string, trial: number, value: unknown): void {
  stmt(db, 'INSERT INTO launch_runs (run_id, launch_id, trial, value_json) VALUES (?, ?, ?, ?)').run(runId, launchId, trial, value === undefined ? null : JSON.stringify(value));
}

export function launchRunIds(db: Db, launchId: string): string[] {
  return (stmt(db, 'SELECT run_id FROM launch_runs WHERE launch_id = ? ORDER BY trial').all(launchId) as Array<{ run_id: string }>).map((r) => r.run_id);
}

/**
 * Adds user tags to a run (the runs browser filters on run_tags and searches runs.tags).
 * @example addRunTags(db, runId, ['sweep:L20261201-…', 'baseline'])
 */
export function addRunTags(db: Db, runId: string, tags: readonly string[]): void {
  if (tags.length === 0) return;
  const row = stmt(db, 'SELECT rowid, tags FROM runs WHERE id = ?').get(runId) as { rowid: number; tags: string } | undefined;
  if (!row) throw new Error(`no run with id ${runId}`);
  const all = [...new Set([...(JSON.parse(row.tags) as string[]), ...tags])];
  const json = JSON.stringify(all);
  stmt(db, 'UPDATE runs SET tags = ? WHERE id = ?').run(json, runId);
  const add = stmt(db, 'INSERT OR IGNORE INTO run_tags (tag, run_id) VALUES (?, ?)');
  for (const t of tags) add.run(t, runId);
  // Keep the search text (id, name, file, tags; see runs-repo indexRunPlan) in step with the tags.
  const fts = stmt(db, 'SELECT text FROM runs_fts WHERE rowid = ?').get(row.rowid) as { text: string } | undefined;
  if (fts) stmt(db, 'UPDATE runs_fts SET text = ? WHERE rowid = ?').run(fts.text.replace(row.tags, json), row.rowid);
}

export function requestCancel(db: Db, runId: string, at: number): void {
  stmt(db, 'INSERT OR REPLACE INTO run_cancel_requests (run_id, requested_at) VALUES (?, ?)').run(runId, at);
}

/** Read-only (the executor polls it often): is a cancel of `runId` waiting? */
export function cancelRequested(db: Db, runId: string): boolean {
  return stmt(db, 'SELECT 1 FROM run_cancel_requests WHERE run_id = ?').get(runId) !== undefined;
}

export function clearCancelRequest(db: Db, runId: string): void {
  stmt(db, 'DELETE FROM run_cancel_requests WHERE run_id = ?').run(runId);
}

/**
 * Marks a run that nobody executes ABORTED (its unfinished steps too), as an executor does
 * when it is cancelled: `sgr resume` / runs.resume continue it later. Call inside a write
 * transaction: it re-checks that no live lease appeared. Returns false when one did.
 */
export function abortIdleRun(db: Db, runId: string, now: number, reason = 'aborted by the user'): boolean {
  if (liveLeaseHolder(db, runId, now)) return false;
  const steps = stmt(db, 'SELECT step_id, state FROM steps WHERE run_id = ?').all(runId) as Array<{ step_id: string; state: StepState }>;
  for (const s of steps) if (!TERMINAL_STEP_STATES.has(s.state)) updateStep(db, runId, s.step_id, { state: 'ABORTED', ended_at: now });
  setRunState(db, runId, 'ABORTED', now, reason);
  appendEvent(db, runId, null, null, 'run.aborted', now, { error: reason });
  return true;
}

export interface InterruptedRow {
  run_id: string;
  name: string;
  state: RunState;
  created_at: number;
  steps_count: number;
  steps_done: number;
}

/**
 * Runs the app launched that are not ended, not dismissed, not executed by anyone (no live
 * lease) and not waiting in a launch whose driving process is still alive.
 */
export function interruptedLaunchRuns(db: Db, now: number): InterruptedRow[] {
  const rows = stmt(
    db,
    `SELECT r.id AS run_id, r.name, r.state, r.created_at, r.steps_count, l.driver, l.ended_at,
            (SELECT count(*) FROM steps s WHERE s.run_id = r.id AND s.state = 'COMPLETED') AS steps_done
       FROM launch_runs lr JOIN runs r ON r.id = lr.run_id JOIN launches l ON l.id = lr.launch_id
      WHERE lr.dismissed_at IS NULL AND r.state IN ('CREATED', 'PLANNED', 'RUNNING')
      ORDER BY r.created_at DESC, r.id`,
  ).all() as Array<InterruptedRow & { driver: string; ended_at: number | null }>;
  return rows
    .filter((r) => !liveLeaseHolder(db, r.run_id, now) && (r.ended_at !== null || ownerIsDead(r.driver)))
    .map(({ driver: _d, ended_at: _e, ...r }) => r);
}

export function dismissRuns(db: Db, runIds: readonly string[], at: number): number {
  const s = stmt(db, 'UPDATE launch_runs SET dismissed_at = ? WHERE run_id = ? AND dismissed_at IS NULL');
  let n = 0;
  for (const id of runIds) n += s.run(at, id).changes;
  return n;
}
