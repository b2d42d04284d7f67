/**
 * Launch (U5) from the editor's Run button: a 3-value grid sweep over one numeric param, made
 * in the form without writing YAML, launches 3 runs that complete; "Compare these runs" opens
 * the comparison, where that param is the only differing one, in the table and in the
 * manifest diff. A launched run is cancelled and resumed from its page; one left running when
 * the app closed is offered on the next start and resumes when asked.
 */
import type { Page } from '@playwright/test';
import { expect, freshHome, serveHome, shot, test } from './fixtures/serve';
import { LaunchDialog } from './pages/launch';
import { slowExperimentText, SWEPT_PARAM, SWEPT_STEP, writeExperiment } from './pages/launch-experiment';
import { RunPage } from './pages/run-page';
import { RunsPage } from './pages/runs-page';

/** Opens the file in the editor and launches it as one run; resolves on its run page. */
async function launchFromEditor(page: Page, url: string, file: string): Promise<RunPage> {
  await page.goto(`${url}#/editor?file=${encodeURIComponent(file)}`);
  await expect(page.getByTestId('editor-run')).toHaveAttribute('data-blocked', 'false');
  await page.getByTestId('editor-run').click();
  const dialog = new LaunchDialog(page);
  await dialog.ready(2);
  expect(await dialog.runCount()).toBe('1');
  await dialog.field('submit').click();
  const run = new RunPage(page);
  await expect(run.view).toBeVisible();
  return run;
}

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
  // Values the step's schema refuses: the kernel says so, and the dialog marks the values field.
  await dialog.gridSweep(SWEPT_STEP, SWEPT_PARAM, 'one, two');
  await dialog.field('submit').click();
  await expect(dialog.error).toHaveAttribute('data-field', 'values');
  await expect(dialog.error).toContainText(`param "${SWEPT_PARAM}"`);
  await expect(dialog.result).toHaveCount(0);

  // Random and TPE take a range and a trial count instead of values (TPE also an objective).
  await dialog.field('sweep-protocol').selectOption('random');
  await expect(dialog.field('sweep-values')).toHaveCount(0);
  await dialog.field('sweep-trials').fill('5');
  expect(await dialog.runCount()).toBe('5');
  await dialog.field('sweep-protocol').selectOption('tpe');
  await expect(dialog.field('sweep-objective')).toBeVisible();
  await dialog.field('sweep-protocol').selectOption('grid');

  await dialog.field('sweep-values').fill('1, 2, 3');
  expect(await dialog.runCount()).toBe('3');
  await expect(page.getByTestId('launch-run-count')).toHaveText('3 runs will be launched');
  await shot(page, 'launch-dialog-sweep');

  await dialog.field('submit').click();
  const ids = await dialog.launchedRuns(3);
  expect(new Set(ids).size).toBe(3);
  for (const r of await dialog.resultRuns.all()) await expect(r).toHaveAttribute('data-state', 'COMPLETED', { timeout: 90_000 });
  await shot(page, 'launch-result');
  const launchId = (await dialog.result.getAttribute('data-launch-id'))!;

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

  // Every launched run carries the tag given in the form and the sweep's own tag; a CLI run of
  // the same file carries neither.
  expect(served.sgr(['run', file]).code).toBe(0);
  await page.goto(`${served.url}#/runs`);
  const runs = new RunsPage(page);
  await expect(runs.table).toHaveAttribute('data-total', '4');
  for (const tag of ['e2e-sweep', `sweep:${launchId}`]) {
    await page.getByTestId('filter-tag').fill('');
    await expect(runs.table).toHaveAttribute('data-total', '4');
    await page.getByTestId('filter-tag').fill(tag);
    await expect(runs.table).toHaveAttribute('data-total', '3');
    await expect(runs.rows).toHaveCount(3);
  }
});

test('cancel and resume from the run page; a run left running when the app closed is offered on the next start, resumes when asked, and once dismissed stays resumable from its page', async ({ page }) => {
  const home = freshHome();
  const file = writeExperiment('e2e-cancel', slowExperimentText('e2e-cancel'));
  const first = await serveHome(home);
  let second: Awaited<ReturnType<typeof serveHome>> | null = null;
  let third: Awaited<ReturnType<typeof serveHome>> | null = null;
  try {
    const run = await launchFromEditor(page, first.url, file);
    const runId = (await run.view.getAttribute('data-run-id'))!;
    await expect(run.node('slow')).toHaveAttribute('data-state', 'RUNNING');
    await expect(page.getByTestId('run-resume')).toHaveCount(0);

    await page.getByTestId('run-cancel').click();
    await expect(run.view).toHaveAttribute('data-state', 'ABORTED');
    await expect(page.getByTestId('run-cancel')).toHaveCount(0);
    await shot(page, 'run-cancelled');

    await page.getByTestId('run-resume').click();
    await expect(run.view).toHaveAttribute('data-state', 'RUNNING');
    await expect(run.node('slow')).toHaveAttribute('data-state', 'RUNNING');

    // The app closes while the run is going; the next start offers it, and only resumes it when asked.
    await first.stop();
    second = await serveHome(home);
    await page.goto(second.url);
    const banner = page.getByTestId('interrupted-banner');
    await expect(banner).toHaveAttribute('data-runs', '1');
    await expect(banner.getByTestId('interrupted-run')).toHaveAttribute('data-run-id', runId);
    await shot(page, 'interrupted-banner');
    await banner.getByTestId('interrupted-resume').click();
    await expect(banner).toHaveCount(0);
    await page.goto(`${second.url}#/runs/${runId}`);
    await expect(run.node('slow')).toHaveAttribute('data-state', 'RUNNING');

    // Closed mid-run again, dismissed this time: not offered any more, still resumable from its
    // page (nobody executes it, so Cancel marks it ABORTED at once; then Resume).
    await second.stop();
    third = await serveHome(home);
    await page.goto(third.url);
    await expect(banner).toHaveAttribute('data-runs', '1');
    await banner.getByTestId('interrupted-dismiss').click();
    await expect(banner).toHaveCount(0);
    await page.goto(`${third.url}#/runs/${runId}`);
    await expect(run.view).toHaveAttribute('data-state', 'RUNNING');
    await page.getByTestId('run-cancel').click();
    await expect(run.view).toHaveAttribute('data-state', 'ABORTED');
    await page.getByTestId('run-resume').click();
    await expect(run.view).toHaveAttribute('data-state', 'COMPLETED', { timeout: 60_000 });
    await expect(run.node('after')).toHaveAttribute('data-state', 'COMPLETED');
  } finally {
    await first.stop();
    await second?.stop();
    await third?.stop();
  }
});
