/**
 * Launch (U5) from the editor's Run button: a 3-value grid sweep over one numeric param, made
 * in the form without writing YAML, launches 3 runs that complete; "Compare these runs" opens
 * the comparison, where that param is the only differing one, in the table and in the
 * manifest diff.
 */
import { expect, shot, test } from './fixtures/serve';
import { LaunchDialog } from './pages/launch';
import { SWEPT_PARAM, SWEPT_STEP, writeExperiment } from './pages/launch-experiment';

const KEY = `${SWEPT_STEP}.${SWEPT_PARAM}`;

test('a 3-value grid sweep from the launch form runs 3 runs whose comparison differs in exactly the swept param', async ({ page, served }) => {
  const file = writeExperiment('e2e-sweep');
  await page.goto(`${served.url}#/editor?file=${encodeURIComponent(file)}`);
  const run = page.getByTestId('editor-run');
  await expect(run).toHaveAttribute('data-blocked', 'false');
  await run.click();

  const dialog = new LaunchDialog(page);
  await expect(dialog.dialog).toBeVisible();
  await dialog.ready(2);
  await expect(dialog.field('target')).toHaveValue('local');

  // A wrong value is refused inline, naming the field, and nothing is launched.
  await dialog.field('max-runs').fill('0');
  await dialog.field('submit').click();
  await expect(dialog.error).toHaveAttribute('data-field', 'maxRuns');
  await expect(dialog.error).toContainText('Max runs');
  await expect(dialog.result).toHaveCount(0);
  await dialog.field('max-runs').fill('');

  await dialog.field('tags-input').fill('e2e-sweep');
  await dialog.field('tags-input').press('Enter');
  await expect(dialog.field('tags')).toHaveAttribute('data-tags', 'e2e-sweep');
  await dialog.gridSweep(SWEPT_STEP, SWEPT_PARAM, '1, 2, 3');
  expect(await dialog.runCount()).toBe('3');
  await expect(page.getByTestId('launch-run-count')).toHaveText('3 runs will be launched');
  await shot(page, 'launch-dialog-sweep');

  await dialog.field('submit').click();
  const ids = await dialog.launchedRuns(3);
  expect(new Set(ids).size).toBe(3);
  for (const r of await dialog.resultRuns.all()) await expect(r).toHaveAttribute('data-state', 'COMPLETED', { timeout: 90_000 });
  await shot(page, 'launch-result');

  await page.getByTestId('launch-compare').click();
  const compare = page.getByTestId('compare-page');
  await expect(compare).toHaveAttribute('data-loaded', 'true');
  expect(page.url()).toContain(`runs=${ids.join(',')}`);
  // The swept param differs; no other param row does.
  await expect(page.getByTestId(`param-row-${KEY}`)).toHaveAttribute('data-differs', 'true');
  await expect(page.locator('[data-testid^="param-row-"][data-differs="true"]')).toHaveCount(1);
  // The manifest diff of two of the runs lists exactly that param path among the params.
  const params = page.getByTestId('diff-section-params');
  await expect(params).toHaveAttribute('data-changes', '1');
  await expect(params.getByTestId('diff-change')).toHaveAttribute('data-path', KEY);
  await shot(page, 'launch-sweep-compare');
});
