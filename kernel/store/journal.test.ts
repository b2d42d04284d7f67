import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from './db';
import { Journal } from './journal';
import { acquireLease, checkLease, LeaseHeldError, LeaseLostError, newOwner, renewLease } from './lease';
import { insertRun } from './runs-repo';

const fresh = () => openDb(join(mkdtempSync(join(tmpdir(), 'sgr-journal-')), 'journal.db'));

describe('journal', () => {
  it('opens in WAL mode with synchronous=FULL', () => {
    const db = fresh();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('group-commits writes queued in one turn into one transaction', async () => {
    const db = fresh();
    db.exec('CREATE TABLE t (v INTEGER)');
    const j = new Journal(db, null);
    const before = j.commits;
    await Promise.all(Array.from({ length: 50 }, (_, i) => j.write((d) => d.prepare('INSERT INTO t VALUES (?)').run(i))));
    expect(j.commits - before).toBe(1);
    expect(db.prepare('SELECT count(*) c FROM t').get()).toEqual({ c: 50 });
  });

  it('rolls back only the failing write of a batch', async () => {
    const db = fresh();
    db.exec('CREATE TABLE t (v INTEGER)');
    const j = new Journal(db, null);
    const ok = j.write((d) => d.prepare('INSERT INTO t VALUES (1)').run());
    const bad = j.write((d) => {
      d.prepare('INSERT INTO t VALUES (2)').run();
      throw new Error('boom');
    });
    await expect(ok).resolves.toBeDefined();
    await expect(bad).rejects.toThrow('boom');
    expect(db.prepare('SELECT v FROM t').all()).toEqual([{ v: 1 }]);
  });
});

describe('lease', () => {
  it('lets one owner in, refuses a second, and fences a stale holder', () => {
    const db = fresh();
    insertRun(db, { id: 'r1', name: 'n', experimentFile: null, experimentDigest: null, planJson: '{}', planDigest: 'd', createdAt: 1 });
    const now = Date.now();
    const a = acquireLease(db, 'r1', newOwner(), now);
    expect(() => acquireLease(db, 'r1', newOwner(), now)).toThrow(LeaseHeldError);
    // After expiry someone else may take over; the old holder's next write is fenced.
    const b = acquireLease(db, 'r1', newOwner(), now + 60_000);
    expect(b.token).toBe(a.token + 1);
    expect(() => checkLease(db, a, now + 60_001)).toThrow(LeaseLostError);
    expect(() => checkLease(db, b, now + 60_001)).not.toThrow();
    expect(() => renewLease(db, a, now + 60_002)).toThrow(LeaseLostError);
    renewLease(db, b, now + 60_002);
    expect(() => acquireLease(db, 'r1', newOwner(), now + 60_003)).toThrow(LeaseHeldError);
  });

  it('takes over at once from a holder whose process is dead', () => {
    const db = fresh();
    insertRun(db, { id: 'r1', name: 'n', experimentFile: null, experimentDigest: null, planJson: '{}', planDigest: 'd', createdAt: 1 });
    const dead = `${newOwner().split(':')[0]}:999999999:deadbeef`;
    acquireLease(db, 'r1', dead, Date.now());
    expect(acquireLease(db, 'r1', newOwner(), Date.now()).token).toBe(2);
  });
});
