import type { Migration } from '../migrate';

/*
 * Summary columns for the runs browser (U2). Plan-derived ones (steps, target, tags,
 * params, search text) are written by insertRun (runs-repo.ts indexRunPlan) — in
 * JavaScript, because the same work as a JSON-parsing trigger made seeding 100k runs 5×
 * slower. End-derived ones (duration, best metric) are kept by a trigger on ended_at, so
 * every writer (CLI, app, resumer) keeps them right. The backfill is the same rules in SQL.
 */

/** Summary columns of run `r` (an alias of `runs`), derived from its plan. */
const planSummary = (r: string) => `
  steps_count = coalesce(json_array_length(${r}.plan_json, '$.steps'), 0),
  target = coalesce((SELECT coalesce(json_extract(s.value, '$.target'), 'local') AS t FROM json_each(${r}.plan_json, '$.steps') s
                     GROUP BY t ORDER BY count(*) DESC, t LIMIT 1), 'local'),
  tags = coalesce((SELECT json_group_array(skill) FROM (SELECT DISTINCT json_extract(s.value, '$.skill') AS skill
                   FROM json_each(${r}.plan_json, '$.steps') s WHERE skill IS NOT NULL ORDER BY skill)), '[]')`;

/**
 * The headline metric of a finished run: names that look like val/eval/test metrics first,
 * then the series with the fewest points (final evaluations, not training curves), then by
 * name. Loss-like names are minimized, everything else maximized.
 */
const bestMetric = (id: string) => {
  const pick = (col: string) => `(
    SELECT ${col} FROM (SELECT name, CASE WHEN ${MINIMIZE} THEN lo ELSE hi END AS v, n FROM (
      SELECT name, count(*) AS n, min(value) AS lo, max(value) AS hi FROM metrics WHERE run_id = ${id} GROUP BY name))
    ORDER BY (name LIKE 'val%' OR name LIKE 'eval%' OR name LIKE 'test%' OR name LIKE '%.%') DESC, n, name LIMIT 1)`;
  return `best_name = ${pick('name')}, best_value = ${pick('v')}`;
};
const MINIMIZE = ['loss', 'error', 'err', 'perplexity', 'ppl', 'mse', 'mae', 'rmse', 'regret']
  .map((w) => `name LIKE '%${w}%'`)
  .join(' OR ');

const endSummary = (r: string) => `
  duration_ms = CASE WHEN ${r}.ended_at IS NULL THEN NULL ELSE ${r}.ended_at - coalesce(${r}.started_at, ${r}.created_at) END,
  ${bestMetric(`${r}.id`)}`;

/** run_params rows of run `r`: every scalar step param, as text and (when numeric) as a number. */
const paramRows = (r: string, from = '') => `
  SELECT DISTINCT ${r}.id, p.key,
    CASE p.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(p.value AS TEXT) END,
    CASE WHEN p.type IN ('integer', 'real') THEN p.value END
  FROM ${from}json_each(${r}.plan_json, '$.steps') s, json_each(s.value, '$.params') p
  WHERE p.type IN ('text', 'integer', 'real', 'true', 'false')`;

const searchText = (r: string) => `${r}.id || ' ' || ${r}.name || ' ' || coalesce(${r}.experiment_file, '') || ' ' || ${r}.tags`;

export const m0004: Migration = {
  version: 4,
  name: 'run-summary',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN steps_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN target TEXT NOT NULL DEFAULT 'local';
      ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE runs ADD COLUMN duration_ms INTEGER;
      ALTER TABLE runs ADD COLUMN best_name TEXT;
      ALTER TABLE runs ADD COLUMN best_value REAL;

      CREATE TABLE run_params (
        run_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value_text TEXT NOT NULL,
        value_num REAL,
        PRIMARY KEY (key, value_text, run_id)
      ) WITHOUT ROWID;
      CREATE INDEX run_params_num ON run_params(key, value_num);
      CREATE TABLE run_tags (
        tag TEXT NOT NULL,
        run_id TEXT NOT NULL,
        PRIMARY KEY (tag, run_id)
      ) WITHOUT ROWID;
      -- Substring search over id, name, experiment file and tags (trigram: any 3+ characters).
      CREATE VIRTUAL TABLE runs_fts USING fts5(text, tokenize = 'trigram');

      CREATE INDEX runs_experiment ON runs(experiment_file, created_at);
      -- Nullable sort keys sort their nulls (running runs) last in both directions: one
      -- index per direction, so every order is an index walk.
      CREATE INDEX runs_duration_asc ON runs(duration_ms IS NULL, duration_ms, created_at);
      CREATE INDEX runs_duration_desc ON runs(duration_ms IS NOT NULL, duration_ms, created_at);
      CREATE INDEX runs_best_asc ON runs(best_value IS NULL, best_value, created_at);
      CREATE INDEX runs_best_desc ON runs(best_value IS NOT NULL, best_value, created_at);
      CREATE INDEX runs_created_id ON runs(created_at, id);
      -- Covering: a series is downsampled from the index alone, without touching the table.
      DROP INDEX metrics_series;
      CREATE INDEX metrics_series ON metrics(run_id, step_id, name, step, value);

      UPDATE runs SET ${planSummary('runs')};
      UPDATE runs SET ${endSummary('runs')};
      INSERT OR IGNORE INTO run_params (run_id, key, value_text, value_num) ${paramRows('runs', 'runs, ')};
      INSERT OR IGNORE INTO run_tags (tag, run_id) SELECT t.value, runs.id FROM runs, json_each(runs.tags) t;
      INSERT INTO runs_fts (rowid, text) SELECT rowid, ${searchText('runs')} FROM runs;

      CREATE TRIGGER runs_summary_end AFTER UPDATE OF ended_at ON runs BEGIN
        UPDATE runs SET ${endSummary('new')} WHERE rowid = new.rowid;
      END;
    `);
  },
};
