import type { Migration } from '../migrate';

/*
 * Covering indexes for the runs browser (docs/serve.md, runs.list). `runs.list` first picks
 * the page's rowids from indexes alone, then reads only those rows: the runs table's rows
 * are wide (plan_json), and touching one per candidate was what made filters and deep
 * offsets slow at 100,000 runs.
 *  - runs_browse_id: a run found through run_tags / run_params (by id) is filtered by state
 *    or experiment and sorted without reading its row.
 *  - runs_browse_state: a state filter with any sort reads the candidates' sort keys here.
 */
export const m0006: Migration = {
  version: 6,
  name: 'runs-browse-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX runs_browse_id ON runs(id, state, name, experiment_file, created_at, duration_ms, best_value);
      CREATE INDEX runs_browse_state ON runs(state, created_at, name, experiment_file, duration_ms, best_value, id);
    `);
  },
};
