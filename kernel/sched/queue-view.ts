/** The queue as `queue.list` and `sgr queue` show it: entries, dead letters, per-target slots. */
import type { QueueList, TargetSlots } from '../common/contract-sched';
import type { FailureClass } from '../common/plan';
import type { Db } from '../store/db';
import { decide } from './admission';
import type { TargetCapacity } from './capacity';
import { allEntries, deadLetters } from './queue-repo';

/**
 * Read-only: wait reasons are computed afresh (a reader never writes), with the same
 * decision the admitting process makes.
 * @example queueView(db, (t) => capacityOf(t, undefined), ['local'], (o) => !ownerIsDead(o))
 */
export function queueView(db: Db, capacity: (target: string) => TargetCapacity, targets: readonly string[], alive: (owner: string) => boolean): QueueList {
  const rows = allEntries(db);
  const d = decide(rows, capacity, alive, () => false);
  const names = [...new Set([...targets, ...rows.map((r) => r.target)])];
  const slots: TargetSlots[] = names.map((target) => {
    const cap = capacity(target);
    const live = rows.filter((r) => r.target === target && alive(r.owner));
    const holding = live.filter((r) => r.state !== 'queued');
    return {
      target, maxJobs: cap.maxJobs, maxJobsPerRun: cap.maxJobsPerRun, maxQueued: cap.maxQueued,
      running: holding.length, queued: live.length - holding.length,
      cpusUsed: holding.reduce((a, r) => a + r.cpus, 0), cpusTotal: cap.cpus,
      gpusUsed: holding.reduce((a, r) => a + r.gpus, 0), gpusTotal: cap.gpus,
    };
  });
  return {
    entries: rows.map((r) => ({
      jobKey: r.job_key, runId: r.run_id, stepId: r.step_id, attempt: r.attempt, target: r.target, priority: r.priority,
      preemptible: r.preemptible === 1, state: r.state,
      resources: { cpus: r.cpus, gpus: r.gpus, ...(r.memory_mb !== null ? { memoryMb: r.memory_mb } : {}) },
      enqueuedAt: r.enqueued_at, admittedAt: r.admitted_at,
      waitReason: r.state === 'queued' ? (d.reasons.get(r.job_key) ?? r.wait_reason ?? (d.admit.includes(r.job_key) ? 'being admitted' : null)) : null,
    })),
    deadLetter: deadLetters(db).map((x) => ({
      runId: x.run_id, stepId: x.step_id, target: x.target, attempts: x.attempts, failureClass: x.failure_class as FailureClass, error: x.error, deadAt: x.dead_at,
    })),
    slots,
  };
}
