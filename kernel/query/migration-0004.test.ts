import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../store/migrate';
import { insertRun } from '../store/runs-repo';

const plan = JSON.stringify({
  name: 'exp',
  steps: [
    { id: 'a', skill: 'shell', target: 'local', params: { rank: 16, lr: 0.001, tag: 'x', on: true, nested: { z: 1 } } },
    { id: 'b', skill: 'train', target: 'gpu', params: { rank: 16 } },
    { id: 'c', skill: 'train', target: 'gpu', params: {} },
  ],
});

describe('migration 0004 (run summary)', () => {
  it('backfills existing runs; insertRun and the end trigger keep new ones summarized', () => {
    const db = new Database(':memory:');
    migrate(db, 3);
    db.prepare("INSERT INTO runs (id, name, experiment_file, plan_json, plan_digest, state, created_at, started_at, ended_at) VALUES ('r1','exp','e.yaml',?,'d','COMPLETED',1,10,110)").run(plan);
    db.prepare("INSERT INTO metrics (run_id, step_id, attempt, name, step, value, ts) VALUES ('r1','a',1,'train_loss',1,5,1),('r1','a',1,'train_loss',2,4,1),('r1','b',1,'eval.loss',null,0.7,1)").run();
    expect(migrate(db, 4)).toBe(4);
    const row = db.prepare('SELECT steps_count, target, tags, duration_ms, best_name, best_value FROM runs').get();
    expect(row).toEqual({ steps_count: 3, target: 'gpu', tags: '["shell","train"]', duration_ms: 100, best_name: 'eval.loss', best_value: 0.7 });
    const params = db.prepare('SELECT key, value_text, value_num FROM run_params ORDER BY key').all();
    expect(params).toEqual([
      { key: 'lr', value_text: '0.001', value_num: 0.001 },
      { key: 'on', value_text: 'true', value_num: null },
      { key: 'rank', value_text: '16', value_num: 16 },
      { key: 'tag', value_text: 'x', value_num: null },
    ]);
    expect(db.prepare("SELECT rowid FROM runs_fts WHERE text LIKE '%train%'").all()).toHaveLength(1);

    insertRun(db, { id: 'r2', name: 'other', experimentFile: null, experimentDigest: null, planJson: plan, planDigest: 'd', createdAt: 2 });
    expect(db.prepare("SELECT steps_count, tags, duration_ms FROM runs WHERE id = 'r2'").get()).toEqual({ steps_count: 3, tags: '["shell","train"]', duration_ms: null });
    db.prepare("INSERT INTO metrics (run_id, step_id, attempt, name, step, value, ts) VALUES ('r2','a',1,'accuracy',1,0.5,1),('r2','a',1,'accuracy',2,0.9,1)").run();
    db.prepare("UPDATE runs SET state = 'COMPLETED', started_at = 5, ended_at = 25 WHERE id = 'r2'").run();
    expect(db.prepare("SELECT duration_ms, best_name, best_value FROM runs WHERE id = 'r2'").get()).toEqual({ duration_ms: 20, best_name: 'accuracy', best_value: 0.9 });
    expect(db.prepare("SELECT run_id FROM run_tags WHERE tag = 'train' ORDER BY run_id").all()).toEqual([{ run_id: 'r1' }, { run_id: 'r2' }]);
    expect(db.prepare("SELECT count(*) AS n FROM run_params WHERE run_id = 'r2'").get()).toEqual({ n: 4 });
    expect(db.prepare("SELECT rowid FROM runs_fts WHERE text LIKE '%other%'").all()).toHaveLength(1);
  });
});
