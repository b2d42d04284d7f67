/**
 * The `recordings` table: every nondeterministic value a run consumed (job results,
 * cache lookups, clock, randomness), by scope (`run` or `<step>#<attempt>`) and index.
 */
import type { Db } from './db';
import { stmt } from './sql';

export interface RecordingRow {
  run_id: string;
  scope: string;
  idx: number;
  kind: string;
  request: string | null;
  value_json: string | null;
}

export function insertRecording(db: Db, r: RecordingRow): void {
  stmt(
    db,
    'INSERT OR REPLACE INTO recordings (run_id, scope, idx, kind, request, value_json) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(r.run_id, r.scope, r.idx, r.kind, r.request, r.value_json);
}

export function listRecordings(db: Db, runId: string): RecordingRow[] {
  return stmt(db, 'SELECT * FROM recordings WHERE run_id = ? ORDER BY scope, idx').all(runId) as RecordingRow[];
}
