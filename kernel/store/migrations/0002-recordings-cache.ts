import type { Migration } from '../migrate';

/** Recorded nondeterminism for replay (K7), the step cache (K6) and CAS references (K5). */
export const m0002: Migration = {
  version: 2,
  name: 'recordings-cache',
  up(db) {
    db.exec(`
      CREATE TABLE recordings (
        run_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        idx INTEGER NOT NULL,
        kind TEXT NOT NULL,
        request TEXT,
        value_json TEXT,
        PRIMARY KEY (run_id, scope, idx)
      ) WITHOUT ROWID;
      CREATE TABLE cache (
        key TEXT PRIMARY KEY,
        skill TEXT NOT NULL,
        version TEXT NOT NULL,
        outputs_json TEXT NOT NULL,
        run_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE blob_refs (
        digest TEXT NOT NULL,
        run_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        PRIMARY KEY (digest, run_id, step_id)
      ) WITHOUT ROWID;
      CREATE INDEX blob_refs_run ON blob_refs(run_id);
    `);
  },
};
