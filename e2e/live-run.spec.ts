/** A run launched from the CLI while the app is open shows up live, streams its logs, grows its metric curve and turns green. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, shot, test } from './fixtures/serve';
import { RunPage } from './pages/run-page';
import { RunsPage } from './pages/runs-page';

const EXPERIMENT = `version: 1
name: e2e-live
steps:
  train:
    skill: python
    params:
      code: |
        import time
        from sgr_worker import log_metric
        for i in range(40):
            print(f"epoch {i} loss {1 / (i + 1):.4f}", flush=True)
            log_metric("loss", 1 / (i + 1), step=i)
            time.sleep(0.2)
  report:
    skill: noop
    deps: [train]
`;

test('a CLI run appears live, its logs follow, its metric curve grows while it runs, and its steps turn green', async ({ page, served }) => {
  const runs = new RunsPage(page);
  await runs.open(served.url);
  await expect(page.getByTestId('runs-empty')).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveAttribute('data-status', 'open');
  await shot(page, 'runs-empty');

  const dir = mkdtempSync(join(tmpdir(), 'sgr-e2e-exp-'));
  writeFileSync(join(dir, 'experiment.yaml'), EXPERIMENT);
  const cli = served.spawnSgr(['run', join(dir, 'experiment.yaml')]);
  const exited = new Promise<number | null>((r) => cli.on('exit', r));

  // The run appears without a reload, pushed by the journal tailer.
  await expect(runs.rows).toHaveCount(1);
  await runs.rows.first().click();
  const run = new RunPage(page);
  await expect(run.view).toBeVisible();
  await expect(run.node('train')).toHaveAttribute('data-state', 'RUNNING');

  // The log viewer follows the running step: more lines arrive while we watch.
  await run.openStep('train', 'logs');
  await expect(run.log).toHaveAttribute('data-lines', /^[1-9]\d*$/);
  const before = Number(await run.log.getAttribute('data-lines'));
  await expect.poll(async () => Number(await run.log.getAttribute('data-lines')), { timeout: 15_000 }).toBeGreaterThan(before);
  await expect(page.getByTestId('log-line').filter({ hasText: 'epoch 3 loss' })).toBeVisible();
  await shot(page, 'step-logs-following');

  // Metric curves grow while the step runs: points are journaled live, not at commit.
  await page.getByTestId('step-tab-metrics').click();
  const points = async () => Number((await run.chart.getAttribute('data-points')) ?? 0);
  await expect.poll(points, { timeout: 15_000 }).toBeGreaterThan(0);
  const early = await points();
  await expect.poll(points, { timeout: 15_000 }).toBeGreaterThan(early);
  expect(early).toBeLessThan(40);
  await expect(run.node('train')).toHaveAttribute('data-state', 'RUNNING');
  await shot(page, 'metrics-growing-live');

  await expect(run.node('train')).toHaveAttribute('data-state', 'COMPLETED', { timeout: 60_000 });
  await expect(run.node('report')).toHaveAttribute('data-state', 'COMPLETED');
  await expect(run.view).toHaveAttribute('data-state', 'COMPLETED');
  expect(await exited).toBe(0);

  await expect(run.chart).toHaveAttribute('data-points', '40');
  await shot(page, 'run-completed-metrics');
});
