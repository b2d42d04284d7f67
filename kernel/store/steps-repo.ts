/** The `steps` table: the committed state of every step of every run. */
import type { Db } from './db';
import { stmt } from './sql';
import type { FailureClass, StepState } from '../common/plan';

export interface StepRow {
  run_id: string;
  step_id: string;
  state: StepState;
  attempt: number;
  cache_key: string | null;
  cache_hit: number;
  job_id: string | null;
  started_at: number | null;
  ended_at: number | null;
  params_json: string | null;
  outputs_json: string | null;
  failure_class: FailureClass | null;
  error: string | null;
}

export function insertPendingSteps(db: Db, runId: string, stepIds: readonly string[]): void {
  const s = stmt(db, "INSERT INTO steps (run_id, step_id, state) VALUES (?, ?, 'PENDING')");
  for (const id of stepIds) s.run(runId, id);
}

export function getSteps(db: Db, runId: string): StepRow[] {
  return stmt(db, 'SELECT * FROM steps WHERE run_id = ? ORDER BY step_id').all(runId) as StepRow[];
}

export type StepPatch = Partial<Omit<StepRow, 'run_id' | 'step_id'>>;

const COLUMNS = new Set([
  'state', 'attempt', 'cache_key', 'cache_hit', 'job_id', 'started_at', 'ended_at',
  'params_json', 'outputs_json', 'failure_class', 'error',
]);

/** @example updateStep(db, runId, 'train', { state: 'RUNNING', attempt: 1 }) */
export function updateStep(db: Db, runId: string, stepId: string, patch: StepPatch): void {
  const keys = Object.keys(patch).filter((k) => COLUMNS.has(k));
  if (keys.length === 0) return;
  const sql = `UPDATE steps SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE run_id = ? AND step_id = ?`;
  const r = stmt(db, sql).run(...keys.map((k) => (patch as Record<string, unknown>)[k]), runId, stepId);
  if (r.changes !== 1) throw new Error(`journal has no step "${stepId}" in run ${runId}`);
}
