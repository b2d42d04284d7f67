/**
 * The live process table (U8, O2): step attempts the journal records as RUNNING, on every
 * target, with whether a live executor still watches them (its run's lease is current).
 */
import type { ProcessRow } from '../common/contract-targets';
import type { Db } from '../store/db';
import { ownerIsDead } from '../store/lease';

type Row = { run_id: string; run_name: string; step_id: string; attempt: number; job_id: string | null; started_at: number | null; target: string | null; owner: string | null; expires_at: number | null };

/**
 * Only runs in state RUNNING are looked at, so the cost follows the runs in flight, not the
 * journal's history. A step's target is read from the run's plan (the steps table has none).
 * @example runningJobs(kernel.db, Date.now()) // [{ jobId: '…train.1', target: 'gpu1', state: 'running', … }]
 */
export function runningJobs(db: Db, now: number): ProcessRow[] {
  const rows = db
    .prepare(
      `SELECT s.run_id, r.name AS run_name, s.step_id, s.attempt, s.job_id, s.started_at, l.owner, l.expires_at,
              (SELECT json_extract(j.value, '$.target') FROM json_each(r.plan_json, '$.steps') j
                WHERE json_extract(j.value, '$.id') = s.step_id) AS target
         FROM runs r
         JOIN steps s ON s.run_id = r.id AND s.state = 'RUNNING'
         LEFT JOIN run_leases l ON l.run_id = r.id
        WHERE r.state = 'RUNNING'
        ORDER BY s.started_at DESC, s.run_id, s.step_id`,
    )
    .all() as Row[];
  return rows.map((r) => ({
    jobId: r.job_id ?? `${r.run_id}.${r.step_id}.${r.attempt}`,
    runId: r.run_id,
    runName: r.run_name,
    stepId: r.step_id,
    attempt: r.attempt,
    target: r.target ?? 'local',
    startedAt: r.started_at,
    state: r.owner !== null && r.expires_at !== null && r.expires_at > now && !ownerIsDead(r.owner) ? 'running' : 'unattended',
  }));
}
