/** Page object: the runs browser. */
import type { Locator, Page } from '@playwright/test';

export class RunsPage {
  readonly table: Locator;
  readonly rows: Locator;
  readonly search: Locator;
  constructor(readonly page: Page) {
    this.table = page.getByTestId('runs-table');
    this.rows = page.getByTestId('run-row');
    this.search = page.getByTestId('runs-search');
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async total(): Promise<number> {
    return Number(await this.table.getAttribute('data-total'));
  }

  async sortBy(column: string): Promise<void> {
    await this.page.getByTestId(`col-${column}`).click();
  }

  async toggleState(state: string): Promise<void> {
    await this.page.getByTestId(`state-chip-${state}`).click();
  }

  /** Text of one cell of the first `n` loaded rows. */
  async column(cell: string, n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push((await this.rows.nth(i).getByTestId(`cell-${cell}`).innerText()).trim());
    return out;
  }
}
