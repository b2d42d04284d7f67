/** A run launched from the CLI while the app is open shows up live, turns green, draws its chart, and streams its logs. */
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

test('a CLI run appears live, its steps turn green, its logs follow and its chart draws', async ({ page, served }) => {
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

  await expect(run.node('train')).toHaveAttribute('data-state', 'COMPLETED', { timeout: 60_000 });
  await expect(run.node('report')).toHaveAttribute('data-state', 'COMPLETED');
  await expect(run.view).toHaveAttribute('data-state', 'COMPLETED');
  expect(await exited).toBe(0);

  await page.getByTestId('step-tab-metrics').click();
  await expect(run.chart).toHaveAttribute('data-points', '40');
  await shot(page, 'run-completed-metrics');
});
