/**
 * The admission decision (kernel/sched/admission.ts) over rows of the real sched_queue
 * table: priority order, FIFO within a priority, quotas, GPU accounting, victims.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../kernel/sched/admission';
import { capacityOf, type TargetCapacity } from '../kernel/sched/capacity';
import { allEntries, enqueue, type NewEntry } from '../kernel/sched/queue-repo';
import { openDb } from '../kernel/store/db';

const ME = 'host:1:me';
function queue(entries: Array<Partial<NewEntry> & { key: string; state?: 'running' }>) {
  const db = openDb(':memory:');
  let t = 0;
  for (const e of entries) {
    const runId = e.runId ?? 'r1';
    enqueue(db, { jobKey: e.key, runId, stepId: e.key, attempt: 1, target: e.target ?? 'local', priority: e.priority ?? 0, preemptible: e.preemptible ?? false, cpus: e.cpus ?? 1, gpus: e.gpus ?? 0, memoryMb: null, runCap: e.runCap ?? 100 }, ME, ++t);
    if (e.state === 'running') db.prepare("UPDATE sched_queue SET state = 'running', admitted_at = ? WHERE job_key = ?").run(t, e.key);
  }
  return allEntries(db);
}
const cap = (c: Partial<TargetCapacity>) => (): TargetCapacity => ({ ...capacityOf('other', undefined), ...c });
const alive = () => true;

describe('admission', () => {
  it('admits higher priority first, FIFO within a priority, up to maxJobs', () => {
    const rows = queue([{ key: 'a' }, { key: 'b' }, { key: 'hi', priority: 5 }, { key: 'c' }]);
    const d = decide(rows, cap({ maxJobs: 2 }), alive, () => true);
    expect(d.admit).toEqual(['hi', 'a']);
    expect(d.reasons.get('b')).toBe('target local: 2 of 2 jobs running (maxJobs)');
    expect(d.reasons.get('c')).toBe('target local: 2 of 2 jobs running (maxJobs); waiting behind earlier or higher-priority entries');
  });

  it('holds back a run at its concurrency and at maxJobsPerRun without blocking other runs', () => {
    const rows = queue([{ key: 'a1', runCap: 1 }, { key: 'a2', runCap: 1 }, { key: 'b1', runId: 'r2' }, { key: 'b2', runId: 'r2' }, { key: 'c1', runId: 'r3' }]);
    const d = decide(rows, cap({ maxJobs: 10, maxJobsPerRun: 1 }), alive, () => true);
    expect(d.admit).toEqual(['a1', 'b1', 'c1']);
    expect(d.reasons.get('a2')).toBe('run r1: 1 of 1 steps running (its concurrency)');
    expect(d.reasons.get('b2')).toBe('target local: 1 of 1 jobs per run running (maxJobsPerRun)');
  });

  it('accounts GPUs and CPUs of declared targets; a job that does not fit blocks smaller ones behind it', () => {
    const rows = queue([{ key: 'g1', gpus: 1, state: 'running' }, { key: 'big', gpus: 2 }, { key: 'small', gpus: 1, priority: -1 }, { key: 'cpu', cpus: 3, target: 'box' }]);
    const d = decide(rows, (t) => (t === 'box' ? { ...capacityOf('box', { cpus: 2 }) } : { ...capacityOf('x', { gpus: [{ model: 'A' }, { model: 'A' }] }), maxJobs: 8 }), alive, () => true);
    expect(d.admit).toEqual([]);
    expect(d.reasons.get('big')).toBe('target local: needs 2 GPUs, 1 of 2 free');
    expect(d.reasons.get('small')).toMatch(/needs 2 GPUs, 1 of 2 free; waiting behind earlier or higher-priority entries$/);
    expect(d.reasons.get('cpu')).toBe('target box: needs 3 CPUs, 2 of 2 free');
  });

  it('preempts the lowest-priority, newest preemptible jobs that free enough, never higher or non-preemptible ones', () => {
    const rows = queue([
      { key: 'keep', priority: 0, state: 'running' },
      { key: 'old', priority: 1, preemptible: true, state: 'running' },
      { key: 'new', priority: 1, preemptible: true, state: 'running' },
      { key: 'same', priority: 9, preemptible: true, state: 'running' },
      { key: 'urgent', priority: 9 },
    ]);
    const d = decide(rows, cap({ maxJobs: 4 }), alive, () => true);
    expect(d.admit).toEqual([]);
    expect(d.preempt).toEqual(['new']);
    expect(d.reasons.get('urgent')).toBe('target local: 4 of 4 jobs running (maxJobs); preempting new (lower priority)');
    expect(decide(rows, cap({ maxJobs: 4 }), alive, () => false).preempt).toEqual([]);
  });

  it('ignores the rows of a dead process and says how to take them over', () => {
    const rows = queue([{ key: 'a', state: 'running' }, { key: 'b' }]);
    const d = decide(rows, cap({ maxJobs: 1 }), () => false, () => true);
    expect(d.admit).toEqual([]);
    expect(d.reasons.get('b')).toMatch(/its process \(pid 1 on host\) is gone; `sgr resume r1` takes it over in place/);
  });
});
