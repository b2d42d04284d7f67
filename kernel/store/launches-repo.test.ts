/** Migration 0007 and the launches repository on a real SQLite database. */
import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrate';
import { abortIdleRun, addLaunchRun, addRunTags, dismissRuns, insertLaunch, interruptedLaunchRuns, launchRunIds } from './launches-repo';
import { insertRun } from './runs-repo';
import { insertPendingSteps } from './steps-repo';

function db6to7() {
  const db = new Database(':memory:');
  migrate(db, 6);
  insertRun(db, { id: 'r1', name: 'exp', experimentFile: '/x/exp.yaml', experimentDigest: null, planJson: JSON.stringify({ steps: [{ id: 'a', skill: 'noop' }] }), planDigest: 'd', createdAt: 1 });
  expect(migrate(db, 7)).toBe(7);
  return db;
}

describe('migration 0007 launches', () => {
  it('adds launches, launch_runs and run_cancel_requests and keeps existing runs', () => {
    const db = db6to7();
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')").all() as Array<{ name: string }>).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['launches', 'launch_runs', 'launch_runs_launch', 'run_cancel_requests']));
    expect(db.prepare('SELECT id, state FROM runs').all()).toEqual([{ id: 'r1', state: 'CREATED' }]);
  });

  it('tags a run for the browser (run_tags, the tags column, the search text)', () => {
    const db = db6to7();
    addRunTags(db, 'r1', ['sweep:L1', 'mine']);
    expect(JSON.parse((db.prepare("SELECT tags FROM runs WHERE id = 'r1'").get() as { tags: string }).tags)).toEqual(['noop', 'sweep:L1', 'mine']);
    expect(db.prepare("SELECT run_id FROM run_tags WHERE tag = 'mine'").all()).toEqual([{ run_id: 'r1' }]);
    expect(db.prepare("SELECT rowid FROM runs_fts WHERE runs_fts MATCH '\"sweep:L1\"'").all()).toHaveLength(1);
  });

  it('lists a launched run as interrupted until dismissed; a dead driver and no lease make it so', () => {
    const db = db6to7();
    insertPendingSteps(db, 'r1', ['a']);
    // A driver on this host whose pid cannot exist: the launch is orphaned.
    insertLaunch(db, { id: 'L1', experimentFile: '/x/exp.yaml', driver: `${hostname()}:999999999:ab`, spec: {}, createdAt: 1 });
    addLaunchRun(db, 'L1', 'r1', 0, 4);
    expect(launchRunIds(db, 'L1')).toEqual(['r1']);
    expect(interruptedLaunchRuns(db, Date.now()).map((r) => [r.run_id, r.steps_count, r.steps_done])).toEqual([['r1', 1, 0]]);
    expect(dismissRuns(db, ['r1', 'nope'], 5)).toBe(1);
    expect(interruptedLaunchRuns(db, Date.now())).toEqual([]);
    expect(abortIdleRun(db, 'r1', 9)).toBe(true);
    expect(db.prepare("SELECT state, error FROM runs WHERE id = 'r1'").get()).toEqual({ state: 'ABORTED', error: 'aborted by the user' });
    expect(db.prepare("SELECT state FROM steps WHERE run_id = 'r1'").all()).toEqual([{ state: 'ABORTED' }]);
  });
});
