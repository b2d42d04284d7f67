import type { Migration } from '../migrate';

/*
 * Launches from the app (U5). A launch is one press of "Run" in the launch dialog: one run,
 * or one run per sweep trial. Its runs are remembered so the app can offer the ones it left
 * unfinished when it closed (runs.interrupted) until the user dismisses them.
 * run_cancel_requests: a cancel from the app for a run another process executes (the CLI);
 * that process's execute loop polls for it and aborts, so the run ends ABORTED, resumable.
 */
export const m0007: Migration = {
  version: 7,
  name: 'launches',
  up(db) {
    db.exec(`
      CREATE TABLE launches (
        id TEXT PRIMARY KEY,
        experiment_file TEXT NOT NULL,
        -- The process driving the launch (host:pid:nonce, as lease owners): while it lives and
        -- the launch has not ended, its queued runs are not interrupted.
        driver TEXT NOT NULL,
        -- The launch form as given (target, concurrency, tags, budget, sweep), without the text.
        spec_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        ended_at INTEGER,
        error TEXT
      );
      CREATE TABLE launch_runs (
        run_id TEXT PRIMARY KEY,
        launch_id TEXT NOT NULL REFERENCES launches(id),
        -- Trial number within the launch (0 without a sweep) and the swept value, as JSON.
        trial INTEGER NOT NULL,
        value_json TEXT,
        dismissed_at INTEGER
      );
      CREATE INDEX launch_runs_launch ON launch_runs(launch_id, trial);
      CREATE TABLE run_cancel_requests (
        run_id TEXT PRIMARY KEY,
        requested_at INTEGER NOT NULL
      );
    `);
  },
};
