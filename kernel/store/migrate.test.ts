import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrate } from './migrate';
import { migrations } from './migrations';

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','index') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('0001 creates runs, steps, events and effects', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 1)).toBe(1);
    expect(tables(db)).toEqual(expect.arrayContaining(['runs', 'run_leases', 'steps', 'events', 'effects', 'runs_created']));
    expect(tables(db)).not.toContain('recordings');
    db.prepare("INSERT INTO runs (id, name, plan_json, plan_digest, state, created_at) VALUES ('r1','n','{}','d','CREATED',1)").run();
    expect(() => db.prepare("INSERT INTO effects (run_id, step_id, attempt, effect_id, kind, state, intent_at) VALUES ('r1','s',1,'job','k','bogus',1)").run()).toThrow(/CHECK/);
  });

  it('0002 adds recordings, cache and blob refs and keeps existing rows', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    db.prepare("INSERT INTO runs (id, name, plan_json, plan_digest, state, created_at) VALUES ('r1','n','{}','d','COMPLETED',1)").run();
    expect(migrate(db, 2)).toBe(2);
    expect(tables(db)).toEqual(expect.arrayContaining(['recordings', 'cache', 'blob_refs', 'blob_refs_run']));
    expect(db.prepare('SELECT state FROM runs').get()).toEqual({ state: 'COMPLETED' });
  });

  it('0003 adds metrics and browsing indexes', () => {
    const db = new Database(':memory:');
    migrate(db, 2);
    expect(migrate(db, 3)).toBe(3);
    expect(tables(db)).toEqual(expect.arrayContaining(['metrics', 'metrics_series', 'runs_state', 'runs_name']));
  });

  it('is idempotent and refuses a newer database', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toBe(LATEST_VERSION);
    expect(migrate(db)).toBe(LATEST_VERSION);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this sgr understands/);
  });
});
