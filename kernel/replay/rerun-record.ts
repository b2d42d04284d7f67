/**
 * How a re-run is recorded: a `run.rerun` event `{ of: <original id> }` right after the
 * run's creation events. An event rather than a column, so no migration is needed and the
 * run's timeline shows it; it is read by run id (the events primary key) for any number of runs.
 */
import type { Db } from '../store/db';
import { appendEvent } from '../store/events-repo';
import { stmt } from '../store/sql';

export const RERUN_EVENT = 'run.rerun';

/** @example recordRerun(db, newId, originalId, Date.now()) */
export function recordRerun(db: Db, runId: string, originalId: string, now: number): void {
  appendEvent(db, runId, null, null, RERUN_EVENT, now, { of: originalId });
}

/** The original of each given run that is a re-run. @example rerunOrigins(db, ['r2']).get('r2') // 'r1' */
export function rerunOrigins(db: Db, runIds: readonly string[]): Map<string, string> {
  if (runIds.length === 0) return new Map();
  const rows = stmt(db, `SELECT run_id, json_extract(data_json, '$.of') AS of FROM events WHERE run_id IN (${runIds.map(() => '?').join(',')}) AND kind = '${RERUN_EVENT}'`)
    .all(...runIds) as Array<{ run_id: string; of: string | null }>;
  return new Map(rows.filter((r) => r.of !== null).map((r) => [r.run_id, r.of as string]));
}
