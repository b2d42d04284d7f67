/** The runs browser over a seeded journal of 100,000 runs: filter, sort and search give the right rows. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, seedHome, shot, test } from './fixtures/serve';
import { RunsPage } from './pages/runs-page';

const N = 100_000;
// Seeded before the server starts, as a journal the app opens offline.
test.use({ homeSetup: async ({}, use) => use((home: string) => void seedHome(home, ['runs', String(N)])) });

test('100k runs: totals, state filter, sort, search, keyboard', async ({ page, served }) => {
  const db = new Database(join(served.home, 'journal.db'), { readonly: true });
  const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
  const runs = new RunsPage(page);

  const t0 = Date.now();
  await runs.open(served.url);
  await expect(runs.table).toHaveAttribute('data-total', String(N));
  await expect(runs.rows.first()).toBeVisible();
  console.log(`first page of ${N} runs rendered ${Date.now() - t0} ms after navigation`);
  // Only a window of rows is in the DOM, not 100k.
  expect(await runs.rows.count()).toBeLessThan(200);
  await shot(page, 'runs-100k');

  await runs.toggleState('FAILED');
  await expect(runs.table).toHaveAttribute('data-total', String(count("SELECT COUNT(*) AS n FROM runs WHERE state = 'FAILED'")));
  await expect(runs.rows.first().getByTestId('state-FAILED')).toBeVisible();
  for (const s of await runs.column('state', 5)) expect(s.toUpperCase()).toContain('FAILED');

  await runs.sortBy('name');
  await expect(page.getByTestId('col-name')).toHaveAttribute('aria-sort', /ascending|descending/);
  const dir = await page.getByTestId('col-name').getAttribute('aria-sort');
  const want = (db.prepare(`SELECT name FROM runs WHERE state = 'FAILED' ORDER BY name ${dir === 'ascending' ? 'ASC' : 'DESC'} LIMIT 1`).get() as { name: string }).name;
  await expect(runs.rows.first().getByTestId('cell-name')).toContainText(want);
  await shot(page, 'runs-failed-sorted');

  await runs.toggleState('FAILED');
  const id = (db.prepare('SELECT id FROM runs ORDER BY id LIMIT 1 OFFSET 54321').get() as { id: string }).id;
  await runs.search.fill(id);
  await expect(runs.table).toHaveAttribute('data-total', '1');
  await expect(runs.rows.first()).toHaveAttribute('data-run-id', id);

  // Keyboard: arrow down + Enter opens the selected run.
  await page.getByTestId('runs-viewport').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/runs/${id}`));
  await shot(page, 'seeded-run-view');
  db.close();
});
