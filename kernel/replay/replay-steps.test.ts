import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchCall } from '../api/dispatch';
import type { Kernel } from '../api/kernel';
import { replayResultSchema } from '../common/contract-replay';
import { openKernel, plan, runPlan, tempDir } from '../../test/helpers';

const kernels: Kernel[] = [];
const open = (home: string): Kernel => {
  const k = openKernel(home);
  kernels.push(k);
  return k;
};
afterEach(async () => {
  for (const k of kernels.splice(0)) await k.close();
});

/** generate → part_0, part_1, part_2 → merge → tail: every step writes a file artifact. */
const fanout = () => plan({
  concurrency: 1,
  steps: [
    { id: 'generate', skill: 'shell', params: { command: 'seq 1 30 > n.txt', outputs: { numbers: 'n.txt' } } },
    ...[0, 1, 2].map((i) => ({
      id: `part_${i}`, skill: 'shell', inputs: { numbers: '${steps.generate.outputs.numbers}' },
      params: { command: `awk 'NR % 3 == ${i}' "$SGR_INPUT_NUMBERS" > p.txt`, outputs: { part: 'p.txt' } },
    })),
    { id: 'merge', skill: 'concat', params: { parts: [0, 1, 2].map((i) => `\${steps.part_${i}.outputs.part}`), name: 'all.txt' } },
    { id: 'tail', skill: 'shell', inputs: { all: '${steps.merge.outputs.file}' }, params: { command: 'wc -l < "$SGR_INPUT_ALL" > c.txt', outputs: { count: 'c.txt' } } },
  ],
});

/** A copy of the home (journal via VACUUM INTO, CAS copied) with SQL applied; the original stays intact. */
function tamperedCopy(home: string, sql: string): string {
  const copy = tempDir('sgr-replay-steps-copy-');
  const src = new Database(join(home, 'journal.db'));
  src.exec(`VACUUM INTO '${join(copy, 'journal.db')}'`);
  src.close();
  cpSync(join(home, 'cas'), join(copy, 'cas'), { recursive: true });
  const db = new Database(join(copy, 'journal.db'));
  expect(db.prepare(sql).run().changes).toBe(1);
  db.close();
  return copy;
}

describe('runs.replay steps', () => {
  it('lists every step identical for an intact run; a tampered job result diverges on exactly that step, later ones not reached', async () => {
    const home = tempDir('sgr-replay-steps-');
    const k = open(home);
    const { runId, state } = await runPlan(k, fanout());
    expect(state).toBe('COMPLETED');
    const res = await dispatchCall(k, 'runs.replay', { runId });
    const ok = replayResultSchema.parse(res.ok ? res.value : res.error);
    expect(ok.identical).toBe(true);
    expect(ok.steps.map((s) => s.status)).toEqual(Array(6).fill('identical'));
    expect(ok.steps.map((s) => s.stepId).sort()).toEqual(['generate', 'merge', 'part_0', 'part_1', 'part_2', 'tail']);

    // The recorded job result of part_1 claims another size for its output file.
    const jobs = readdirSync(join(home, 'jobs'));
    expect(jobs.length).toBe(5);
    const copy = tamperedCopy(home, `UPDATE recordings SET value_json = replace(value_json, '"size":', '"size":1') WHERE run_id = '${runId}' AND scope = 'part_1#1' AND kind = 'job'`);
    const bad = await open(copy).replay(runId);
    const order = bad.steps.map((s) => s.stepId);
    expect(bad.identical).toBe(false);
    expect(bad.divergence).toMatchObject({ stepId: 'part_1', field: 'outputs.part.size' });
    const at = order.indexOf('part_1');
    expect(bad.steps.slice(0, at).every((s) => s.status === 'identical')).toBe(true);
    expect(bad.steps[at]).toEqual({ stepId: 'part_1', status: 'diverged' });
    expect(bad.steps.slice(at + 1).map((s) => s.status)).toEqual(Array(order.length - at - 1).fill('not-reached'));
    expect(order.slice(at + 1)).toEqual(expect.arrayContaining(['merge', 'tail']));

    // The original journal still replays identical.
    expect((await open(home).replay(runId)).identical).toBe(true);
  });

  it('marks steps a crashed run never ended as unfinished', async () => {
    const home = tempDir('sgr-replay-steps-');
    const k = open(home);
    const { runId } = await runPlan(k, fanout());
    const copy = tamperedCopy(home, `UPDATE steps SET state = 'RUNNING', ended_at = NULL WHERE run_id = '${runId}' AND step_id = 'tail'`);
    const r = await open(copy).replay(runId);
    expect(r.identical).toBe(true);
    expect(r.steps.find((s) => s.stepId === 'tail')?.status).toBe('unfinished');
    expect(r.steps.filter((s) => s.status === 'identical')).toHaveLength(5);
  });
});
