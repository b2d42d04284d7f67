import type { Migration } from '../migrate';

/** Metrics reported by jobs through the line protocol, and browsing indexes on runs. */
export const m0003: Migration = {
  version: 3,
  name: 'metrics',
  up(db) {
    db.exec(`
      CREATE TABLE metrics (
        run_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        name TEXT NOT NULL,
        step INTEGER,
        value REAL NOT NULL,
        ts INTEGER NOT NULL
      );
      CREATE INDEX metrics_series ON metrics(run_id, step_id, name, step);
      CREATE INDEX runs_state ON runs(state, created_at);
      CREATE INDEX runs_name ON runs(name, created_at);
    `);
  },
};
