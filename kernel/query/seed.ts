/**
 * Seeds a journal with synthetic runs for tests, e2e fixtures and benchmarks: one
 * transaction, prepared statements, deterministic (a seeded PRNG), so 100,000 runs take a
 * few seconds and every caller sees the same rows. Runs are indexed by indexRunPlan and the
 * end trigger of migration 0004, as real runs are.
 */
import type { Db } from '../store/db';
import { indexRunPlan } from '../store/runs-repo';
import type { RunState, StepState } from '../common/plan';
import { mulberry32 } from '../common/prng';

export interface SeedOptions {
  count: number;
  /** PRNG seed: the same seed gives the same runs. */
  seed?: number;
  /** created_at of the first run; runs are one minute apart. */
  startAt?: number;
  /** Prefix of run ids (ids are `<prefix><index padded to 6>`). */
  idPrefix?: string;
}

export const SEED_EXPERIMENTS = ['lora-rank-ablation', 'tpe-search', 'fanout-demo', 'curriculum', 'ensemble', 'baseline', 'distill', 'sweep-lr'];
export const SEED_SKILLS = ['dataset', 'train', 'eval', 'shell', 'python', 'report'];
export const SEED_RANKS = [4, 8, 16, 32, 64];
const STATES: RunState[] = ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'FAILED', 'ABORTED', 'RUNNING', 'PLANNED'];

/** The id of the i-th seeded run. @example seedRunId(0) // 'seed-000000' */
export const seedRunId = (i: number, prefix = 'seed-'): string => `${prefix}${String(i).padStart(6, '0')}`;

/**
 * Inserts `count` runs (3 steps each, an `eval.loss` metric for ended runs).
 * @example seedRuns(kernel.db, { count: 100_000 }) // ~ a few seconds
 */
export function seedRuns(db: Db, opts: SeedOptions): { first: string; last: string } {
  const rnd = mulberry32(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const start = opts.startAt ?? Date.UTC(2026, 0, 1);
  const prefix = opts.idPrefix ?? 'seed-';
  const insRun = db.prepare(
    `INSERT INTO runs (id, name, experiment_file, experiment_digest, plan_json, plan_digest, state, created_at, started_at, ended_at, error,
                       duration_ms, best_name, best_value)
     VALUES (?, ?, ?, NULL, ?, 'seed', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insStep = db.prepare('INSERT INTO steps (run_id, step_id, state, attempt, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insMetric = db.prepare("INSERT INTO metrics (run_id, step_id, attempt, name, step, value, ts) VALUES (?, 'eval', 1, 'eval.loss', NULL, ?, ?)");
  // A big page cache keeps the whole transaction in memory instead of spilling it to the WAL.
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -262144');
  db.transaction(() => {
    for (let i = 0; i < opts.count; i++) {
      const id = seedRunId(i, prefix);
      const name = pick(SEED_EXPERIMENTS);
      const state = pick(STATES);
      const rank = pick(SEED_RANKS);
      const lr = pick([1e-4, 3e-4, 1e-3]);
      const trainSkill = pick(SEED_SKILLS);
      const createdAt = start + i * 60_000;
      const ended = state === 'COMPLETED' || state === 'FAILED' || state === 'ABORTED';
      const startedAt = state === 'PLANNED' ? null : createdAt + 1000;
      const endedAt = ended ? createdAt + 1000 + Math.floor(rnd() * 3_600_000) : null;
      const plan = {
        name,
        concurrency: 4,
        steps: [
          { id: 'data', skill: 'dataset', target: 'local', params: { split: pick(['train', 'dev']) } },
          { id: 'train', skill: trainSkill, target: rank >= 32 ? 'gpu' : 'local', params: { rank, lr, seed: i % 5 }, deps: ['data'] },
          { id: 'eval', skill: 'eval', target: 'local', params: {}, deps: ['train'] },
        ],
      };
      const loss = ended ? Math.round(rnd() * 1e6) / 1e6 : null;
      if (loss !== null) insMetric.run(id, loss, endedAt);
      const planJson = JSON.stringify(plan);
      // The end summary (the 0004 trigger's job for real runs) is written directly: same values, one write.
      insRun.run(id, name, `examples/${name}.yaml`, planJson, state, createdAt, startedAt, endedAt, state === 'FAILED' ? 'step train failed' : null,
        endedAt === null || startedAt === null ? null : endedAt - startedAt, loss === null ? null : 'eval.loss', loss);
      indexRunPlan(db, id, planJson, { search: false });
      const stepState: StepState = state === 'COMPLETED' ? 'COMPLETED' : state === 'RUNNING' ? 'RUNNING' : state === 'PLANNED' ? 'PENDING' : state === 'FAILED' ? 'FAILED' : 'ABORTED';
      for (const s of plan.steps) insStep.run(id, s.id, stepState, stepState === 'PENDING' ? 0 : 1, startedAt, endedAt);
    }
    // One bulk load of the search index is ~4× faster than a row per insert.
    db.prepare(`INSERT INTO runs_fts (rowid, text) SELECT rowid, id || ' ' || name || ' ' || coalesce(experiment_file, '') || ' ' || tags
                FROM runs WHERE id >= ? AND id <= ?`).run(seedRunId(0, prefix), seedRunId(opts.count - 1, prefix));
  }).immediate();
  db.pragma(`cache_size = ${cacheSize}`);
  return { first: seedRunId(0, prefix), last: seedRunId(opts.count - 1, prefix) };
}
