/** The `metrics` table: values jobs report through the line protocol. */
import type { Db } from './db';
import { stmt } from './sql';

export interface MetricPoint {
  name: string;
  value: number;
  step: number | null;
  ts: number;
}

export function insertMetrics(db: Db, runId: string, stepId: string, attempt: number, points: readonly MetricPoint[]): void {
  const s = stmt(db, 'INSERT INTO metrics (run_id, step_id, attempt, name, step, value, ts) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const p of points) s.run(runId, stepId, attempt, p.name, p.step, p.value, p.ts);
}

export function listMetrics(db: Db, runId: string, stepId?: string): Array<MetricPoint & { step_id: string }> {
  if (stepId !== undefined) {
    return stmt(db, 'SELECT step_id, name, step, value, ts FROM metrics WHERE run_id = ? AND step_id = ? ORDER BY name, step').all(
      runId,
      stepId,
    ) as Array<MetricPoint & { step_id: string }>;
  }
  return stmt(db, 'SELECT step_id, name, step, value, ts FROM metrics WHERE run_id = ? ORDER BY step_id, name, step').all(
    runId,
  ) as Array<MetricPoint & { step_id: string }>;
}
