import type { Migration } from '../migrate';

/*
 * The scheduler's queue (D6), shared by every process on one $SGR_HOME: a job attempt is a
 * row while it waits for a slot (queued), holds one (running) or is being preempted.
 * Admission happens in a write transaction, so two processes never hand out one slot twice.
 * `seq` orders arrivals (FIFO within a priority) and survives a restart: a resumed run
 * takes its rows over in place. sched_dead_letter: steps that failed every attempt.
 */
export const m0008: Migration = {
  version: 8,
  name: 'sched-queue',
  up(db) {
    db.exec(`
      CREATE TABLE sched_queue (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        job_key TEXT NOT NULL UNIQUE,
        run_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        target TEXT NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0,
        preemptible INTEGER NOT NULL DEFAULT 0,
        cpus REAL NOT NULL DEFAULT 1,
        gpus INTEGER NOT NULL DEFAULT 0,
        memory_mb INTEGER,
        -- The run's own cap (plan.concurrency): steps of one run executing at once.
        run_cap INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'preempting')),
        -- The process that waits for or holds the slot (host:pid:nonce, as lease owners).
        owner TEXT NOT NULL,
        enqueued_at INTEGER NOT NULL,
        admitted_at INTEGER,
        preempt_at INTEGER,
        wait_reason TEXT
      );
      CREATE INDEX sched_queue_target ON sched_queue(target, state, priority DESC, seq);
      CREATE INDEX sched_queue_owner ON sched_queue(owner, state);
      CREATE TABLE sched_dead_letter (
        run_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        target TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        failure_class TEXT NOT NULL,
        error TEXT,
        dead_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, step_id)
      );
    `);
  },
};
