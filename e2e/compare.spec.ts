/**
 * Compare runs (U6) and the manifest diff (R2): three CLI runs of one experiment differing in
 * a single param, picked in the runs browser and compared — the param table flags exactly that
 * param, each run draws its metric curve and its parallel-coordinates line, and the manifest
 * diff of two runs lists exactly that param.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, shot, test } from './fixtures/serve';
import { ComparePage } from './pages/compare-page';
import { RunsPage } from './pages/runs-page';

// The learning rate reaches the script through the step's env, so it is a step param
// (`train.env.LR`) and the only thing that differs between the three runs.
const experiment = (lr: string): string => `version: 1
name: e2e-compare
steps:
  train:
    skill: python
    params:
      env: { LR: "${lr}" }
      code: |
        import os
        from sgr_worker import log_metric
        lr = float(os.environ["LR"])
        for i in range(20):
            log_metric("loss", 1 / (1 + lr * i), step=i)
  pick:
    skill: select
    params: { metric: acc, direction: maximize }
    inputs:
      trials:
        - { config: small, params: { rank: 4 }, seed: 1, value: 0.70 }
        - { config: small, params: { rank: 4 }, seed: 2, value: 0.74 }
        - { config: small, params: { rank: 4 }, seed: 3, value: 0.72 }
        - { config: big, params: { rank: 16 }, seed: 1, value: 0.80 }
        - { config: big, params: { rank: 16 }, seed: 2, value: 0.85 }
        - { config: big, params: { rank: 16 }, seed: 3, value: 0.83 }
`;

const LRS = ['0.1', '0.5', '0.9'];
const PARAM = 'train.env.LR';

test('three runs differing in one param: picked, compared, and their manifests diffed', async ({ page, served }) => {
  // One file rewritten between runs: the runs share the experiment's path; its digest differs.
  const file = join(mkdtempSync(join(tmpdir(), 'sgr-e2e-cmp-')), 'experiment.yaml');
  const ids: string[] = [];
  for (const lr of LRS) {
    writeFileSync(file, experiment(lr));
    const r = served.sgr(['run', '--quiet', file]);
    expect(r.code, `sgr run (LR=${lr}) failed: ${r.stderr}`).toBe(0);
    ids.push(r.stdout.split('\n')[0]!.trim());
  }

  const runs = new RunsPage(page);
  await runs.open(served.url);
  await expect(runs.table).toHaveAttribute('data-total', '3');
  const cmp = new ComparePage(page);
  await expect(page.getByTestId('compare-selected')).toBeDisabled();
  await cmp.pickAndCompare(ids);
  // Ticking a checkbox picks the run without opening it.
  await expect(page).toHaveURL(/#\/compare\?runs=/);

  await expect(cmp.view).toHaveAttribute('data-runs', '3');
  for (const id of ids) await expect(cmp.run(id)).toBeVisible();
  await expect(cmp.paramTable).toBeVisible();
  expect(await cmp.differingParams()).toEqual([PARAM]);
  await expect(cmp.paramRow('train.code')).toHaveAttribute('data-differs', 'false');
  // Four params (≤ 10): all shown by default; "only differences" keeps the one that differs.
  await expect(cmp.paramTable).toHaveAttribute('data-rows', '4');
  await page.getByTestId('param-only-diffs').check();
  await expect(cmp.paramTable).toHaveAttribute('data-rows', '1');
  await page.getByTestId('param-only-diffs').uncheck();
  for (const [i, lr] of LRS.entries()) await expect(cmp.paramRow(PARAM).locator('td').nth(i)).toHaveText(lr);

  await expect(cmp.overlay).toHaveAttribute('data-metric', 'train.loss');
  await expect(cmp.overlay).toHaveAttribute('data-series', '3');
  await expect(page.getByTestId('metric-chart')).toHaveAttribute('data-points', '60');
  await expect(cmp.parallel).toHaveAttribute('data-lines', '3');
  // Axes: the differing param and the metric.
  await expect(cmp.parallel).toHaveAttribute('data-axes', '2');
  // Brushing the top of the loss axis keeps only the slowest learner (LR 0.1, highest loss).
  await cmp.brush('metric:train.loss', 0.99, 0.6);
  await expect(cmp.parallel).toHaveAttribute('data-selected', '1');
  await expect(cmp.parallel.locator(`[data-testid="pc-line"][data-run-id="${ids[0]}"]`)).toHaveAttribute('data-kept', 'true');
  await shot(page, 'compare-parallel-brushed');
  await page.getByTestId('pc-brush-metric:train.loss').click();
  await expect(cmp.parallel).toHaveAttribute('data-selected', '3');
  await shot(page, 'compare-runs');

  // Each run's select step: two trials with mean ± CI, the better one marked.
  await expect(cmp.selects).toHaveAttribute('data-count', '3');
  const select = cmp.selects.getByTestId('select-result').first();
  await expect(select).toHaveAttribute('data-best', 'big');
  await expect(select.getByTestId('select-row')).toHaveCount(2);
  await expect(select.locator('[data-testid="select-row"][data-best="true"]')).toHaveAttribute('data-trial', 'big');
  await select.scrollIntoViewIfNeeded();
  await shot(page, 'compare-select-results');

  // By step the x axis ends at the last reported step; by time at seconds since the run began.
  await expect(cmp.overlay).toHaveAttribute('data-xmax', '19');
  await page.getByTestId('compare-align-time').click();
  await expect(cmp.overlay).toHaveAttribute('data-align', 'time');
  await expect(cmp.overlay).toHaveAttribute('data-series', '3');
  await expect(cmp.overlay).not.toHaveAttribute('data-xmax', '19');
  await expect(cmp.overlay).not.toHaveAttribute('data-xmax', '');

  // The manifest diff defaults to the first two runs.
  await expect(cmp.diff).toHaveAttribute('data-a', ids[0]!);
  await expect(cmp.diff).toHaveAttribute('data-b', ids[1]!);
  await expect(cmp.diff).toHaveAttribute('data-identical', 'false');
  await expect(cmp.section('params')).toHaveAttribute('data-changes', '1');
  expect(await cmp.changePaths('params')).toEqual([PARAM]);
  const change = cmp.section('params').getByTestId('diff-change');
  await expect(change.locator('.side.a')).toContainText('0.1');
  await expect(change.locator('.side.b')).toContainText('0.5');
  await expect(cmp.section('environment')).toHaveAttribute('data-identical', 'true');
  // Same script, same skill versions: the code differs only in the experiment text's digest.
  expect(await cmp.changePaths('code')).toEqual(['experimentDigest']);
  await expect(cmp.section('code').getByTestId('digest').first()).toHaveText(/^[0-9a-f]{12}/);
  await cmp.diff.scrollIntoViewIfNeeded();
  await shot(page, 'compare-manifest-diff');

  await cmp.pickDiff(ids[0]!, ids[2]!);
  await expect(cmp.diff).toHaveAttribute('data-b', ids[2]!);
  await expect(cmp.section('params').getByTestId('diff-change').locator('.side.b')).toContainText('0.9');

  // Removing a run from the header compares the other two.
  await page.getByTestId(`compare-remove-${ids[1]}`).click();
  await expect(cmp.view).toHaveAttribute('data-runs', '2');
  await expect(cmp.view).toHaveAttribute('data-loaded', 'true');
  await expect(cmp.run(ids[1]!)).toHaveCount(0);
  await expect(cmp.overlay).toHaveAttribute('data-series', '2');
  await expect(cmp.parallel).toHaveAttribute('data-lines', '2');
});
