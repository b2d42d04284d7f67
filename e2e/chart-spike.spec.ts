/** A 1,000,000-point series with one spike: after min/max downsampling the chart still reaches it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, shot, test } from './fixtures/serve';
import { RunPage } from './pages/run-page';

const EXPERIMENT = `version: 1
name: e2e-spike
steps:
  fit:
    skill: python
    params: { code: "from sgr_worker import log_metric\\nlog_metric('noise', 2.0, step=0)\\n" }
`;

test('a seeded spike survives downsampling of a 1M-point series', async ({ page, served }) => {
  const dir = mkdtempSync(join(tmpdir(), 'sgr-e2e-exp-'));
  writeFileSync(join(dir, 'experiment.yaml'), EXPERIMENT);
  const r = served.sgr(['run', '-q', join(dir, 'experiment.yaml')]);
  expect(r.code, r.stderr).toBe(0);
  const runId = r.stdout.split('\n')[0]!;
  served.seed(['series', runId, 'fit', 'loss', '1000000', '777777', '1000']);

  await page.goto(`${served.url}#/runs/${runId}`);
  const run = new RunPage(page);
  await expect(run.view).toHaveAttribute('data-state', 'COMPLETED');
  await page.getByTestId('run-tab-metrics').click();
  const chip = page.getByTestId('metric-chip-loss');
  if ((await chip.getAttribute('aria-pressed')) !== 'true') await chip.click();
  await expect(chip).toHaveAttribute('aria-pressed', 'true');
  await expect(run.chart).toHaveAttribute('data-ymax', '1000');
  const points = Number(await run.chart.getAttribute('data-points'));
  expect(points).toBeGreaterThan(100);
  expect(points).toBeLessThanOrEqual(10_000);
  // The drawn y axis reaches the spike: it was not averaged away or clipped.
  await expect.poll(async () => Number(await run.chart.getAttribute('data-scale-max'))).toBeGreaterThanOrEqual(1000);
  await shot(page, 'chart-1m-points-spike');
});
