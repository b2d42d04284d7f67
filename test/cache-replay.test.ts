/** Caching across runs (K6), CAS GC against the journal (K5), and replay with a tampered journal (K7). */
import Database from 'better-sqlite3';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { openKernel, plan, runPlan, sgr, tempDir } from './helpers';

let kernels: Kernel[] = [];
afterEach(async () => {
  for (const k of kernels) await k.close();
  kernels = [];
});
const open = (home?: string) => {
  const k = openKernel(home);
  kernels.push(k);
  return k;
};

function dag(ledger: string, n: number) {
  const log = (id: string) => `echo ${id} >> ${ledger}; `;
  return plan({
    steps: [
      { id: 'gen', skill: 'shell', params: { command: `${log('gen')}seq 1 ${n} > n.txt`, outputs: { n: 'n.txt' } } },
      { id: 'double', skill: 'shell', params: { command: `${log('double')}awk '{print $1*2}' \${steps.gen.outputs.n} > d.txt`, outputs: { d: 'd.txt' } } },
      { id: 'report', skill: 'concat', params: { parts: ['${steps.double.outputs.d}'] } },
      { id: 'side', skill: 'shell', params: { command: `${log('side')}echo independent > s.txt`, outputs: { s: 's.txt' } } },
    ],
  });
}

const executions = (ledger: string) => readFileSync(ledger, 'utf8').split('\n').filter(Boolean);
const hits = (k: Kernel, runId: string) => Object.fromEntries(k.steps(runId).map((s) => [s.step_id, s.cache_hit === 1]));

describe('cache', () => {
  it('re-running an identical run is 100% cache hits; changing one input re-runs exactly its downstream', async () => {
    const k = open();
    const ledger = join(tempDir(), 'ledger');
    writeFileSync(ledger, '');
    const first = await runPlan(k, dag(ledger, 5));
    expect(first.state).toBe('COMPLETED');
    expect(executions(ledger).sort()).toEqual(['double', 'gen', 'side']);

    const again = await runPlan(k, dag(ledger, 5));
    expect(hits(k, again.runId)).toEqual({ gen: true, double: true, report: true, side: true });
    expect(executions(ledger)).toHaveLength(3);

    const changed = await runPlan(k, dag(ledger, 6));
    expect(hits(k, changed.runId)).toEqual({ gen: false, double: false, report: false, side: true });
    expect(executions(ledger).slice(3).sort()).toEqual(['double', 'gen']);
  });

  it('gc keeps every blob a run references and deletes the rest; cached re-runs still hit', async () => {
    const k = open();
    const ledger = join(tempDir(), 'ledger');
    writeFileSync(ledger, '');
    await runPlan(k, dag(ledger, 5));
    const orphan = await k.cas.putBytes('nobody references me');
    const r = await k.casGc({ graceMs: 0 });
    expect(r.deleted.map((d) => d.digest)).toEqual([orphan.digest]);
    expect(k.cas.has(orphan.digest)).toBe(false);
    const again = await runPlan(k, dag(ledger, 5));
    expect(Object.values(hits(k, again.runId)).every(Boolean)).toBe(true);
    expect((await k.cas.verify()).corrupt).toEqual([]);
  });
});

describe('replay', () => {
  async function finishedRun(): Promise<{ home: string; runId: string }> {
    const home = tempDir('sgr-replay-');
    const k = open(home);
    const { runId, state } = await runPlan(k, plan({
      steps: [
        { id: 'a', skill: 'shell', params: { command: 'echo 21 > a.txt', outputs: { a: 'a.txt' } } },
        { id: 'b', skill: 'shell', params: { command: `echo '{"type":"output","name":"acc","value":0.9}' >> "$SGR_EVENTS_FILE"; cat \${steps.a.outputs.a}` } },
        { id: 'c', skill: 'const', params: { values: { acc: '${steps.b.outputs.acc}' } } },
      ],
    }));
    expect(state).toBe('COMPLETED');
    return { home, runId };
  }

  /** A copy of the home whose journal is tampered with; the original stays intact. */
  function tamperedCopy(home: string, ...statements: string[]): string {
    const copy = tempDir('sgr-replay-copy-');
    const src = new Database(join(home, 'journal.db'));
    src.exec(`VACUUM INTO '${join(copy, 'journal.db')}'`);
    src.close();
    cpSync(join(home, 'cas'), join(copy, 'cas'), { recursive: true });
    const db = new Database(join(copy, 'journal.db'));
    for (const sql of statements) expect(db.prepare(sql).run().changes).toBeGreaterThan(0);
    db.close();
    return copy;
  }

  it('reports identical for a finished run, without running any job', async () => {
    const { home, runId } = await finishedRun();
    const k = open(home);
    const counts = () => ['events', 'effects', 'recordings', 'metrics'].map((t) => (k.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
    const before = { rows: counts(), jobs: readdirSync(join(home, 'jobs')).sort() };
    const report = await k.replay(runId);
    expect(report).toMatchObject({ identical: true, compared: 3, divergence: null });
    // Nothing was executed or written: no new job directories, no new journal rows.
    expect({ rows: counts(), jobs: readdirSync(join(home, 'jobs')).sort() }).toEqual(before);
    expect(before.jobs).toHaveLength(2);
  });

  it('finds the step and field where a tampered recorded job result diverges', async () => {
    const { home, runId } = await finishedRun();
    const copy = tamperedCopy(home, `UPDATE recordings SET value_json = replace(value_json, '"value":0.9', '"value":0.8') WHERE scope = 'b#1' AND kind = 'job'`);
    const report = await open(copy).replay(runId);
    expect(report.identical).toBe(false);
    expect(report.divergence).toEqual({ stepId: 'b', field: 'outputs.acc', recorded: 0.9, replayed: 0.8 });

    const cli = await sgr(copy, ['replay', runId]);
    expect(cli.code).toBe(4);
    expect(cli.stdout).toBe('  ✓ a\n  ✗ b (diverged)\n  · c (not-reached)\ndiverged at step b, field outputs.acc\n  recorded: 0.9\n  replayed: 0.8\n');
    expect((await sgr(home, ['replay', runId])).stdout).toMatch(/^identical — /m);
  });

  it('finds a tampered exit code as a state divergence on that step', async () => {
    const { home, runId } = await finishedRun();
    const copy = tamperedCopy(home, `UPDATE recordings SET value_json = replace(value_json, '"exitCode":0', '"exitCode":1') WHERE scope = 'a#1' AND kind = 'job'`);
    const report = await open(copy).replay(runId);
    expect(report.divergence).toEqual({ stepId: 'a', field: 'state', recorded: 'COMPLETED', replayed: 'FAILED' });
  });

  it('re-executes deterministic in-process skills: a consistent forgery of result and outputs is still caught', async () => {
    const { home, runId } = await finishedRun();
    const copy = tamperedCopy(
      home,
      `UPDATE recordings SET value_json = replace(value_json, '0.9', '0.7') WHERE scope = 'c#1' AND kind = 'skill'`,
      `UPDATE steps SET outputs_json = replace(outputs_json, '0.9', '0.7') WHERE step_id = 'c'`,
    );
    const report = await open(copy).replay(runId);
    expect(report.divergence).toEqual({ stepId: 'c', field: 'skill result (re-executed)', recorded: { acc: 0.7 }, replayed: { acc: 0.9 } });
  });
});
