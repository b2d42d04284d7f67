/** The `sched_queue` and `sched_dead_letter` tables (migration 0008). */
import type { FailureClass } from '../common/plan';
import type { Db } from '../store/db';
import { stmt } from '../store/sql';

export type EntryState = 'queued' | 'running' | 'preempting';

export interface QueueRow {
  seq: number;
  job_key: string;
  run_id: string;
  step_id: string;
  attempt: number;
  target: string;
  priority: number;
  preemptible: number;
  cpus: number;
  gpus: number;
  memory_mb: number | null;
  run_cap: number;
  state: EntryState;
  owner: string;
  enqueued_at: number;
  admitted_at: number | null;
  preempt_at: number | null;
  wait_reason: string | null;
}

export interface NewEntry {
  jobKey: string;
  runId: string;
  stepId: string;
  attempt: number;
  target: string;
  priority: number;
  preemptible: boolean;
  cpus: number;
  gpus: number;
  memoryMb: number | null;
  /** The run's concurrency (plan.concurrency). */
  runCap: number;
}

/**
 * Enqueues an attempt, or takes over the row of the same job key left by a dead process
 * (a resumed run re-enters the same attempt): it keeps its place (seq) and, if it was
 * running, its slot — its job is still running and is being re-attached.
 * @example enqueue(db, entry, owner, Date.now()) // 'queued' | 'running'
 */
export function enqueue(db: Db, e: NewEntry, owner: string, now: number): EntryState {
  const old = stmt(db, 'SELECT state FROM sched_queue WHERE job_key = ?').get(e.jobKey) as { state: EntryState } | undefined;
  if (old) {
    stmt(db, 'UPDATE sched_queue SET owner = ?, priority = ?, run_cap = ?, wait_reason = NULL WHERE job_key = ?').run(owner, e.priority, e.runCap, e.jobKey);
    return old.state;
  }
  stmt(
    db,
    `INSERT INTO sched_queue (job_key, run_id, step_id, attempt, target, priority, preemptible, cpus, gpus, memory_mb, run_cap, state, owner, enqueued_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
  ).run(e.jobKey, e.runId, e.stepId, e.attempt, e.target, e.priority, e.preemptible ? 1 : 0, e.cpus, e.gpus, e.memoryMb, e.runCap, owner, now);
  return 'queued';
}

/** Every row, in admission order: higher priority first, then arrival. */
export function allEntries(db: Db): QueueRow[] {
  return stmt(db, 'SELECT * FROM sched_queue ORDER BY priority DESC, seq').all() as QueueRow[];
}

export function entryState(db: Db, jobKey: string): EntryState | null {
  return (stmt(db, 'SELECT state FROM sched_queue WHERE job_key = ?').get(jobKey) as { state: EntryState } | undefined)?.state ?? null;
}

export function removeEntry(db: Db, jobKey: string): void {
  stmt(db, 'DELETE FROM sched_queue WHERE job_key = ?').run(jobKey);
}

export function admitEntry(db: Db, jobKey: string, now: number): void {
  stmt(db, "UPDATE sched_queue SET state = 'running', admitted_at = ?, wait_reason = NULL WHERE job_key = ? AND state = 'queued'").run(now, jobKey);
}

export function markPreempting(db: Db, jobKey: string, now: number): void {
  stmt(db, "UPDATE sched_queue SET state = 'preempting', preempt_at = ? WHERE job_key = ? AND state = 'running'").run(now, jobKey);
}

export function setWaitReason(db: Db, jobKey: string, reason: string | null): void {
  stmt(db, 'UPDATE sched_queue SET wait_reason = ? WHERE job_key = ?').run(reason, jobKey);
}

/**
 * Rows of runs that have ended: nobody will ever take them over. Driven by the (short)
 * queue with a primary-key lookup per row, never by a scan of the runs table.
 */
export function dropEndedRuns(db: Db): number {
  return stmt(db, "DELETE FROM sched_queue WHERE EXISTS (SELECT 1 FROM runs WHERE runs.id = sched_queue.run_id AND runs.state IN ('COMPLETED', 'FAILED', 'ABORTED'))").run().changes;
}

/** Rows in `target`'s queue (waiting), for backpressure. */
export function queuedCount(db: Db, target: string): number {
  return (stmt(db, "SELECT COUNT(*) AS n FROM sched_queue WHERE target = ? AND state = 'queued'").get(target) as { n: number }).n;
}

export interface DeadLetterRow {
  run_id: string;
  step_id: string;
  target: string;
  attempts: number;
  failure_class: FailureClass;
  error: string | null;
  dead_at: number;
}

export function addDeadLetter(db: Db, d: { runId: string; stepId: string; target: string; attempts: number; failureClass: FailureClass; error: string | null }, now: number): void {
  stmt(
    db,
    `INSERT INTO sched_dead_letter (run_id, step_id, target, attempts, failure_class, error, dead_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step_id) DO UPDATE SET target = excluded.target, attempts = excluded.attempts,
       failure_class = excluded.failure_class, error = excluded.error, dead_at = excluded.dead_at`,
  ).run(d.runId, d.stepId, d.target, d.attempts, d.failureClass, d.error, now);
}

/** A resumed run retries its dead-lettered steps: they leave the list. */
export function removeDeadLetter(db: Db, runId: string, stepId: string): void {
  stmt(db, 'DELETE FROM sched_dead_letter WHERE run_id = ? AND step_id = ?').run(runId, stepId);
}

export function deadLetters(db: Db): DeadLetterRow[] {
  return stmt(db, 'SELECT * FROM sched_dead_letter ORDER BY dead_at DESC').all() as DeadLetterRow[];
}
