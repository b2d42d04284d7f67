import type { Migration } from '../migrate';
import { rollupMetrics } from '../metrics-repo';

/*
 * Rollups of metric series (see metrics-repo.ts appendMetrics): metric_series has one row
 * per series (point count and x range), metric_blocks the count/sum/min/max of each block of
 * BLOCK_BASE·BLOCK_FANOUT^level consecutive x values. `metrics.series` downsamples a
 * 1M-point series from a few thousand block rows. The back-fill runs the same JavaScript
 * aggregation as ingest over the existing points, in insertion (rowid) order.
 */
export const m0005: Migration = {
  version: 5,
  name: 'metric-rollups',
  up(db) {
    db.exec(`
      CREATE TABLE metric_series (
        run_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        name TEXT NOT NULL,
        n INTEGER NOT NULL,
        x_lo REAL NOT NULL,
        x_hi REAL NOT NULL,
        PRIMARY KEY (run_id, step_id, name)
      ) WITHOUT ROWID;
      CREATE TABLE metric_blocks (
        run_id TEXT NOT NULL,
        step_id TEXT NOT NULL,
        name TEXT NOT NULL,
        level INTEGER NOT NULL,
        block INTEGER NOT NULL,
        x0 REAL NOT NULL,
        x1 REAL NOT NULL,
        n INTEGER NOT NULL,
        sum REAL NOT NULL,
        min REAL NOT NULL,
        max REAL NOT NULL,
        PRIMARY KEY (run_id, step_id, name, level, block)
      ) WITHOUT ROWID;
    `);
    const page = db.prepare(
      'SELECT rowid AS id, run_id AS runId, step_id AS stepId, name, step, value FROM metrics WHERE rowid > ? ORDER BY rowid LIMIT 50000',
    );
    let last = 0;
    for (;;) {
      const rows = page.all(last) as Array<{ id: number; runId: string; stepId: string; name: string; step: number | null; value: number }>;
      if (rows.length === 0) break;
      rollupMetrics(db, rows);
      last = (rows[rows.length - 1] as { id: number }).id;
    }
  },
};
