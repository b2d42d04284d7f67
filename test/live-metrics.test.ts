/**
 * Metrics reach the journal while their step runs (kernel/lifecycle/live-metrics.ts): another
 * connection to the journal — as `sgr serve` has — sees them grow before the step completes,
 * and the commit does not insert them a second time.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { JournalTailer } from '../kernel/serve/tailer';
import { listMetrics } from '../kernel/store/metrics-repo';
import { ROOT, openKernel, plan, sgr, startAndKill, tempDir } from './helpers';

const N = 30;
const CODE = `
import time
from sgr_worker import log_metric
for i in range(${N}):
    log_metric("loss", 1.0 / (i + 1), step=i)
    time.sleep(0.1)
`;

beforeAll(() => {
  // The re-attach test runs the CLI: build it from the current sources.
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(b.stderr);
}, 120_000);

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

describe('live metrics', () => {
  it('are journaled while the step runs, once each', async () => {
    const home = tempDir('sgr-live-metrics-');
    kernel = openKernel(home);
    const runId = kernel.createRun(plan({ steps: [{ id: 'train', skill: 'python', params: { code: CODE } }] }));
    let done = false;
    const finished = kernel.execute(runId).finally(() => (done = true));

    const reader = new Database(join(home, 'journal.db'), { readonly: true });
    const seen: Array<{ runId: string; name: string; step: number | null }> = [];
    const tailer = new JournalTailer(reader, (event, payload) => {
      if (event === 'step.metricReported') seen.push(payload as (typeof seen)[number]);
    });
    const count = reader.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ? AND step_id = ?');
    const stepState = reader.prepare('SELECT state FROM steps WHERE run_id = ? AND step_id = ?');
    const during: number[] = [];
    let tailedDuring = 0;
    while (!done) {
      await new Promise((r) => setTimeout(r, 100));
      const state = (stepState.get(runId, 'train') as { state: string } | undefined)?.state;
      if (done || state === 'COMPLETED') break;
      const n = (count.get(runId, 'train') as { n: number }).n;
      tailer.poll();
      tailedDuring = seen.length;
      during.push(n);
    }
    expect(await finished).toBe('COMPLETED');

    // Before the step completed, the other connection saw the row count grow.
    const positive = [...new Set(during.filter((n) => n > 0))];
    expect(positive.length).toBeGreaterThanOrEqual(3);
    // (All N may be journaled before the commit marks the step COMPLETED; some were seen earlier.)
    expect(positive.filter((n) => n < N).length).toBeGreaterThanOrEqual(2);
    expect(tailedDuring).toBeGreaterThan(0);

    // After completion: exactly the points logged, each once, tagged with the attempt.
    expect((count.get(runId, 'train') as { n: number }).n).toBe(N);
    expect(listMetrics(kernel.db, runId, 'train').map((m) => m.step)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(reader.prepare('SELECT DISTINCT attempt FROM metrics WHERE run_id = ?').all(runId)).toEqual([{ attempt: 1 }]);
    expect(reader.prepare('SELECT n FROM metric_series WHERE run_id = ?').get(runId)).toEqual({ n: N });
    tailer.poll();
    // Pushed coalesced (the newest point per look): steps only go forward and end at the last one.
    const pushed = seen.filter((e) => e.runId === runId).map((e) => e.step as number);
    expect(pushed.length).toBeGreaterThan(0);
    expect(pushed.every((s, i) => i === 0 || s > pushed[i - 1]!)).toBe(true);
    expect(pushed.at(-1)).toBe(N - 1);
    reader.close();

    // A cached re-run inserts nothing new.
    const again = kernel.createRun(plan({ steps: [{ id: 'train', skill: 'python', params: { code: CODE } }] }));
    expect(await kernel.execute(again)).toBe('COMPLETED');
    expect(kernel.steps(again)[0]?.cache_hit).toBe(1);
    expect(listMetrics(kernel.db, again)).toEqual([]);
  }, 30_000);

  it('are not journaled twice when a restarted kernel re-attaches to the running job', async () => {
    const home = tempDir('sgr-live-reattach-');
    writeFileSync(join(home, 'job.py'), CODE);
    writeFileSync(join(home, 'experiment.yaml'), 'version: 1\nname: reattach\nsteps:\n  train:\n    skill: python\n    params: { script: job.py }\n');
    const first = await startAndKill(home, ['run', join(home, 'experiment.yaml'), '-q'], 1500);
    expect(first.finished).toBe(false);
    const runId = first.runId as string;
    const db = new Database(join(home, 'journal.db'), { readonly: true });
    const count = () => (db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(runId) as { n: number }).n;
    const before = count();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(N);
    const resumed = await sgr(home, ['resume', runId, '-q']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(count()).toBe(N);
    const steps = db.prepare('SELECT step FROM metrics WHERE run_id = ? ORDER BY step').all(runId) as Array<{ step: number }>;
    expect(steps.map((r) => r.step)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(db.prepare('SELECT DISTINCT attempt FROM metrics WHERE run_id = ?').all(runId)).toEqual([{ attempt: 1 }]);
    expect(db.prepare('SELECT n FROM metric_series WHERE run_id = ?').get(runId)).toEqual({ n: N });
    db.close();
  }, 60_000);
});
