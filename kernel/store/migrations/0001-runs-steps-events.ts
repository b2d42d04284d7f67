import type { Migration } from '../migrate';

/** Runs, their leases, steps, the event timeline and the intent/completion records. */
export const m0001: Migration = {
  version: 1,
  name: 'runs-steps-events',
  up(db) {
    db.exec(`
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        experiment_file TEXT,
        experiment_digest TEXT,
        plan_json TEXT NOT NULL,
        plan_digest TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        error TEXT
      );
      CREATE INDEX runs_created ON runs(created_at);
      -- The lease lives apart from runs: it is renewed on every commit, and rewriting a
      -- run row would rewrite its (possibly large) plan_json each time.
      CREATE TABLE run_leases (
        run_id TEXT PRIMARY KEY REFERENCES runs(id),
        owner TEXT,
        token INTEGER NOT NULL DEFAULT 0,
        expires_at INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE TABLE steps (
        run_id TEXT NOT NULL REFERENCES runs(id),
        step_id TEXT NOT NULL,
        state TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 0,
        cache_key TEXT,
        cache_hit INTEGER NOT NULL DEFAULT 0,
        job_id TEXT,
        started_at INTEGER,
        ended_at INTEGER,
        params_json TEXT,
        outputs_json TEXT,
        failure_class TEXT,
        error TEXT,
        PRIMARY KEY (run_id, step_id)
      ) WITHOUT ROWID;
      -- Keyed by (run, seq) in one B-tree: a step's commit appends its phase events by
      -- touching one page, not a table, an index and sqlite_sequence.
      CREATE TABLE events (
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        step_id TEXT,
        attempt INTEGER,
        kind TEXT NOT NULL,
        ts INTEGER NOT NULL,
        data_json TEXT,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE effects (
        run_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        effect_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail_json TEXT,
        state TEXT NOT NULL CHECK (state IN ('intent', 'done', 'failed')),
        intent_at INTEGER NOT NULL,
        done_at INTEGER,
        PRIMARY KEY (run_id, step_id, attempt, effect_id)
      ) WITHOUT ROWID;
    `);
  },
};
