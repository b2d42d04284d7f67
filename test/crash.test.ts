/**
 * The crash test (K4): SIGKILL `sgr run` (and sometimes the first `sgr resume`) at a random
 * moment, then resume. Every step must have executed exactly once — committed steps never
 * again, a job started before the crash is re-attached, never duplicated — the final outputs
 * must equal a crash-free run's, the journal must pass integrity_check, and the resumed run
 * must replay as identical.
 */
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureCli, sgr, startAndKill, tempDir } from './helpers';
import { LAYERS, stepIds, writeCrashExperiment } from './crash-dag';
import { mulberry32 } from '../kernel/common/prng';

const SEEDS = Number(process.env.SGR_CRASH_SEEDS ?? 50);
const PARALLEL = 3;

async function finalOutputs(home: string, runId: string): Promise<Record<string, string>> {
  const r = await sgr(home, ['show', runId, '--json']);
  const show = JSON.parse(r.stdout) as { state: string; steps: Array<{ id: string; outputs: { out?: { $artifact: string } } }> };
  expect(show.state).toBe('COMPLETED');
  return Object.fromEntries(show.steps.filter((s) => s.id.startsWith(`l${LAYERS - 1}_`)).map((s) => [s.id, s.outputs.out?.$artifact ?? '']));
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  }));
}

describe('crash test', () => {
  it(`survives SIGKILL at random moments over ${SEEDS} seeds`, async () => {
    ensureCli();
    const ids = stepIds();
    const refDir = tempDir('sgr-crash-ref-');
    const refLedger = join(refDir, 'ledger');
    writeFileSync(refLedger, '');
    const refStart = Date.now();
    const ref = await sgr(refDir, ['run', writeCrashExperiment(refDir, refLedger), '-q']);
    // Kill moments are spread over the run itself (after start-up, which prints the id).
    const killWindowMs = Math.max(200, Date.now() - refStart - 150);
    expect(ref.code, ref.stderr).toBe(0);
    const refRunId = ref.stdout.split('\n')[0] as string;
    const expected = await finalOutputs(refDir, refRunId);
    expect(Object.keys(expected)).toHaveLength(6);

    const summary = { crashes: 0, finishedBeforeKill: 0 };
    await pool(Array.from({ length: SEEDS }, (_, i) => i + 1), PARALLEL, async (seed) => {
      const rand = mulberry32(seed);
      const dir = tempDir(`sgr-crash-${seed}-`);
      const ledger = join(dir, 'ledger');
      writeFileSync(ledger, '');
      const file = writeCrashExperiment(dir, ledger);
      const first = await startAndKill(dir, ['run', file, '-q'], Math.floor(rand() * killWindowMs));
      expect(first.runId, `seed ${seed}`).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
      const runId = first.runId as string;
      if (first.finished) summary.finishedBeforeKill++;
      else summary.crashes++;
      if (rand() < 0.4) {
        const second = await startAndKill(dir, ['resume', runId, '-q'], Math.floor(rand() * killWindowMs * 0.6));
        if (!second.finished) summary.crashes++;
      }
      const last = await sgr(dir, ['resume', runId, '-q']);
      const outcome = last.code === 0 || /already COMPLETED/.test(last.stderr);
      expect(outcome, `seed ${seed}: ${last.stderr}`).toBe(true);

      const counts = new Map<string, number>();
      for (const line of readFileSync(ledger, 'utf8').split('\n').filter(Boolean)) counts.set(line, (counts.get(line) ?? 0) + 1);
      for (const id of ids) expect(counts.get(id) ?? 0, `seed ${seed}: step ${id} executions`).toBe(1);
      expect(await finalOutputs(dir, runId), `seed ${seed}`).toEqual(expected);

      const db = new Database(join(dir, 'journal.db'), { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      const replay = await sgr(dir, ['replay', runId]);
      expect(replay.stdout, `seed ${seed}: ${replay.stderr}`).toMatch(/^identical — /m);
    });
    console.log(`crash test: ${summary.crashes} SIGKILLs over ${SEEDS} seeds in a ${killWindowMs} ms window (${summary.finishedBeforeKill} runs finished before their kill)`);
    expect(summary.crashes).toBeGreaterThanOrEqual(SEEDS * 0.6);
  }, 600_000);
});
