/** Page object: the Targets page (U8) — target cards, the live process table, the scheduler queue. */
import type { Locator, Page } from '@playwright/test';

export class TargetsPage {
  readonly view: Locator;
  readonly processTable: Locator;
  readonly processRows: Locator;
  readonly queueTable: Locator;
  constructor(readonly page: Page) {
    this.view = page.getByTestId('targets-page');
    this.processTable = page.getByTestId('process-table');
    this.processRows = page.locator('[data-testid^="process-row-"]');
    this.queueTable = page.getByTestId('queue-table');
  }

  /** Opens the app and goes to Targets through the nav link. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.getByTestId('nav-targets').click();
    await this.view.waitFor();
  }

  card(name: string): Locator {
    return this.page.getByTestId(`target-card-${name}`);
  }

  status(name: string): Locator {
    return this.page.getByTestId(`target-status-${name}`);
  }

  /** Clicks "Test connection" on a card. */
  async test(name: string): Promise<void> {
    await this.page.getByTestId(`target-test-${name}`).click();
  }

  processRow(jobId: string): Locator {
    return this.page.getByTestId(`process-row-${jobId}`);
  }
}
