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

/** Next seq per run, per connection: read once with max(seq), then counted in memory. */
const nextSeq = new WeakMap<Db, Map<string, number>>();

function takeSeq(db: Db, runId: string): number {
  let runs = nextSeq.get(db);
  if (!runs) {
    runs = new Map();
    nextSeq.set(db, runs);
  }
  const seq =
    runs.get(runId) ??
    (stmt(db, 'SELECT coalesce(max(seq), 0) + 1 AS next FROM events WHERE run_id = ?').get(runId) as { next: number }).next;
  runs.set(runId, seq + 1);
  return seq;
}

/**
 * Appends to a run's timeline. Only the run's lease holder appends (and the creator before
 * any lease exists), so a per-connection counter cannot collide; if it ever did, the
 * primary key refuses the write instead of reordering history. A rolled-back write may
 * leave a gap in seq — order is what matters, not density.
 */
export function appendEvent(
  db: Db,
  runId: string,
  stepId: string | null,
  attempt: number | null,
  kind: string,
  ts: number,
  data: unknown = null,
): void {
  stmt(db, 'INSERT INTO events (run_id, seq, step_id, attempt, kind, ts, data_json) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    runId,
    takeSeq(db, runId),
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

/**
 * How many events of `kind` each step of a run has, e.g. its preemptions.
 * @example countEventsByStep(db, runId, 'step.preempted').get('train') // 1
 */
export function countEventsByStep(db: Db, runId: string, kind: string): Map<string, number> {
  const rows = stmt(db, 'SELECT step_id, COUNT(*) AS n FROM events WHERE run_id = ? AND kind = ? AND step_id IS NOT NULL GROUP BY step_id').all(runId, kind) as Array<{ step_id: string; n: number }>;
  return new Map(rows.map((r) => [r.step_id, r.n]));
}
