import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '../dispatch/types';
import { openDb } from '../store/db';
import { Journal } from '../store/journal';
import { insertMetrics, listMetrics } from '../store/metrics-repo';
import { insertRun } from '../store/runs-repo';
import type { KernelServices, RunContext } from './context';
import { countAttemptMetrics, LiveMetrics } from './live-metrics';

function setup() {
  const db = openDb(join(mkdtempSync(join(tmpdir(), 'sgr-live-')), 'journal.db'));
  insertRun(db, { id: 'r', name: 'n', experimentFile: null, experimentDigest: null, planJson: '{}', planDigest: 'd', createdAt: 1 });
  const journal = new Journal(db, null);
  const k = { journal, now: () => 1000 } as unknown as KernelServices;
  const run = { runId: 'r', lease: null } as unknown as RunContext;
  return { db, journal, k, run };
}

const metric = (i: number): ProtocolEvent => ({ type: 'metric', name: 'loss', value: i / 10, step: i });
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live metrics', () => {
  it('journals metrics as they arrive, batched into few group commits', async () => {
    const { db, journal, k, run } = setup();
    const live = new LiveMetrics(k, run, 's', 1, 20);
    live.open(false);
    const before = journal.commits;
    for (let i = 0; i < 5000; i++) live.add(metric(i));
    live.add({ type: 'heartbeat' });
    expect(countAttemptMetrics(db, 'r', 's', 1)).toBe(0);
    await settle(80);
    expect(countAttemptMetrics(db, 'r', 's', 1)).toBe(5000);
    expect(live.written).toBe(5000);
    expect(journal.commits - before).toBe(1);
    // Rollups stay exact: one series of 5000 points.
    expect(db.prepare('SELECT n, x_lo, x_hi FROM metric_series').get()).toEqual({ n: 5000, x_lo: 0, x_hi: 4999 });
    live.close();
  });

  it('skips the metric events a previous kernel already journaled when re-attaching', async () => {
    const { db, k, run } = setup();
    insertMetrics(db, 'r', 's', 2, [0, 1, 2].map((i) => ({ name: 'loss', value: i / 10, step: i, ts: 1 })));
    const live = new LiveMetrics(k, run, 's', 2, 5);
    live.open(true);
    expect(live.written).toBe(3);
    for (let i = 0; i < 6; i++) live.add(metric(i)); // the events file is read again from its start
    await settle(40);
    live.close();
    expect(listMetrics(db, 'r', 's').map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(live.written).toBe(6);
  });

  it('writes nothing after close, and leaves the prefix unchanged when a write fails', async () => {
    const { db, journal, k, run } = setup();
    const live = new LiveMetrics(k, run, 's', 1, 5);
    live.open(false);
    live.add(metric(0));
    const realWrite = journal.write.bind(journal);
    journal.write = (() => Promise.reject(new Error('disk full'))) as typeof journal.write;
    const warned = new Promise((ok) => process.once('warning', ok));
    await settle(30);
    await warned;
    journal.write = realWrite;
    live.add(metric(1));
    await settle(30);
    expect(live.written).toBe(0);
    expect(countAttemptMetrics(db, 'r', 's', 1)).toBe(0);
  });
});
