/** The `events` table: the append-only timeline of a run (phases, state changes, warnings). */
import type { Db } from './db';
import { stmt } from './sql';

export interface EventRow {
  seq: number;
  run_id: string;
  step_id: string | null;
  attempt: number | null;
  kind: string;
  ts: number;
  data_json: string | null;
}

export function appendEvent(
  db: Db,
  runId: string,
  stepId: string | null,
  attempt: number | null,
  kind: string,
  ts: number,
  data: unknown = null,
): void {
  stmt(db, 'INSERT INTO events (run_id, step_id, attempt, kind, ts, data_json) VALUES (?, ?, ?, ?, ?, ?)').run(
    runId,
    stepId,
    attempt,
    kind,
    ts,
    data === null ? null : JSON.stringify(data),
  );
}

export function listEvents(db: Db, runId: string, afterSeq = 0, limit = 10_000): EventRow[] {
  return stmt(db, 'SELECT * FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(
    runId,
    afterSeq,
    limit,
  ) as EventRow[];
}
