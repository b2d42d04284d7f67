/**
 * Replay (U7) and re-run (R3) from the run page: a finished run replays `identical`, step by
 * step on the DAG; a copy of its journal with one recorded job result tampered replays
 * `diverged` on exactly that step; a re-run shows an identical drift report first and, once
 * finished, identical results against the original; after the file is edited, the drift
 * report names it.
 */
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, serveHome, shot, test } from './fixtures/serve';
import { writeExperiment } from './pages/launch-experiment';
import { ReplayActions } from './pages/replay';
import { RunPage } from './pages/run-page';

type JobEvent = { type: string; name?: string; value?: unknown };

/** Changes the `chars` output a recorded job result holds; returns [recorded, tampered]. */
function tamperOutput(home: string, runId: string, stepId: string): [number, number] {
  const db = new Database(join(home, 'journal.db'));
  try {
    const row = db.prepare("SELECT idx, value_json FROM recordings WHERE run_id = ? AND scope = ? AND kind = 'job'").get(runId, `${stepId}#1`) as { idx: number; value_json: string } | undefined;
    if (!row) throw new Error(`no recorded job result for ${stepId}#1 of ${runId}`);
    const value = JSON.parse(row.value_json) as { events: JobEvent[] };
    const out = value.events.find((e) => e.type === 'output' && e.name === 'chars');
    if (typeof out?.value !== 'number') throw new Error(`recorded job result of ${stepId} has no numeric chars output: ${row.value_json}`);
    const recorded = out.value;
    out.value = recorded + 1000;
    db.prepare('UPDATE recordings SET value_json = ? WHERE run_id = ? AND scope = ? AND idx = ?').run(JSON.stringify(value), runId, `${stepId}#1`, row.idx);
    return [recorded, recorded + 1000];
  } finally {
    db.close();
  }
}

test('replay says identical, a tampered journal copy diverges on the tampered step, a re-run has no drift and identical results', async ({ page, served }) => {
  const file = writeExperiment('e2e-replay');
  const cli = served.sgr(['run', file]);
  expect(cli.code, cli.stderr).toBe(0);
  // Piped, `sgr run` prints just the run id on stdout (progress goes to stderr).
  const runId = /^(\S+)$/m.exec(cli.stdout.trim())?.[1];
  expect(runId, cli.stdout).toBeTruthy();

  // A copy of the whole home, taken now: the tampered journal lives only there.
  const copy = mkdtempSync(join(tmpdir(), 'sgr-e2e-tampered-'));
  cpSync(served.home, copy, { recursive: true });
  const [recorded, tampered] = tamperOutput(copy, runId!, 'stats');

  // 1. Replay the untouched run: identical, every node marked so.
  await page.goto(`${served.url}#/runs/${runId}`);
  const run = new RunPage(page);
  const actions = new ReplayActions(page);
  await expect(run.view).toHaveAttribute('data-state', 'COMPLETED');
  await actions.replay();
  await expect(actions.panel).toHaveAttribute('data-result', 'identical');
  await expect(actions.divergence).toHaveCount(0);
  await expect(run.node('data')).toHaveAttribute('data-replay', 'identical');
  await expect(run.node('stats')).toHaveAttribute('data-replay', 'identical');
  await expect(page.getByTestId('replay-step-stats')).toHaveAttribute('data-status', 'identical');
  await shot(page, 'replay-identical');

  // 2. The tampered copy, served separately: diverged on exactly `stats`, the recorded value vs the replayed one.
  const second = await serveHome(copy);
  try {
    const other = await page.context().newPage();
    await other.goto(`${second.url}#/runs/${runId}`);
    const run2 = new RunPage(other);
    const actions2 = new ReplayActions(other);
    await expect(run2.view).toHaveAttribute('data-state', 'COMPLETED');
    await actions2.replay();
    await expect(actions2.panel).toHaveAttribute('data-result', 'diverged');
    await expect(actions2.divergence).toHaveAttribute('data-step', 'stats');
    await expect(actions2.divergence).toHaveAttribute('data-field', /^outputs\.chars$/);
    await expect(other.getByTestId('replay-recorded')).toHaveText(String(recorded));
    await expect(other.getByTestId('replay-replayed')).toHaveText(String(tampered));
    await expect(run2.node('stats')).toHaveAttribute('data-replay', 'diverged');
    await expect(run2.node('data')).toHaveAttribute('data-replay', 'identical');
    await expect(other.locator('[data-replay="diverged"]')).toHaveCount(1);
    await shot(other, 'replay-diverged');
    await other.close();
  } finally {
    await second.stop();
  }

  // 3. Re-run the original: nothing drifted; the new run finishes with the original's results.
  await actions.openRerun();
  await expect(actions.rerunDialog).toBeVisible();
  await expect(actions.drift).toHaveAttribute('data-identical', 'true');
  for (const section of ['code', 'environment', 'data', 'skills']) await expect(page.getByTestId(`drift-section-${section}`)).toHaveAttribute('data-count', '0');
  await shot(page, 'rerun-drift-report');
  await actions.startRerun();
  await expect(run.view).not.toHaveAttribute('data-run-id', runId!);
  const rerunId = await run.view.getAttribute('data-run-id');
  expect(page.url()).toContain(`rerunOf=${runId}`);
  await expect(run.view).toHaveAttribute('data-state', 'COMPLETED', { timeout: 60_000 });
  await expect(actions.rerunResults).toHaveAttribute('data-of', runId!);
  await expect(actions.rerunResults).toHaveAttribute('data-results-identical', 'true');
  const diff = page.getByTestId('manifest-diff');
  await expect(diff).toHaveAttribute('data-a', runId!);
  await expect(diff).toHaveAttribute('data-b', rerunId!);
  for (const section of ['params', 'data', 'metrics', 'steps']) await expect(page.getByTestId(`diff-section-${section}`)).toHaveAttribute('data-identical', 'true');
  await shot(page, 'rerun-results-vs-original');
  // The kernel journals what it re-ran: the link without `?rerunOf=`, reloaded, still diffs against the original.
  await page.goto(`${served.url}#/runs/${rerunId}`);
  await page.reload();
  await expect(actions.rerunResults).toHaveAttribute('data-of', runId!);
  await expect(actions.rerunResults).toHaveAttribute('data-results-identical', 'true');

  // 4. Edit the experiment file: a re-run of the original now reports that drift before starting.
  appendFileSync(file, '# edited after the run\n');
  await page.goto(`${served.url}#/runs/${runId}`);
  await expect(run.view).toHaveAttribute('data-run-id', runId!);
  await actions.openRerun();
  await expect(actions.drift).toHaveAttribute('data-identical', 'false');
  await expect(page.getByTestId('drift-section-code')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('drift-section-code').getByTestId('drift-item')).toHaveAttribute('data-path', `experiment ${file}`);
  await expect(page.getByTestId('drift-section-data')).toHaveAttribute('data-count', '0');
  await shot(page, 'rerun-drift-code-changed');
});
