/** Page object: the run page's actions — replay panel, re-run dialog with its drift report. */
import type { Locator, Page } from '@playwright/test';

export class ReplayActions {
  readonly actions: Locator;
  readonly panel: Locator;
  readonly divergence: Locator;
  readonly rerunDialog: Locator;
  readonly drift: Locator;
  readonly rerunResults: Locator;
  constructor(readonly page: Page) {
    this.actions = page.getByTestId('run-actions');
    this.panel = page.getByTestId('replay-panel');
    this.divergence = page.getByTestId('replay-divergence');
    this.rerunDialog = page.getByTestId('rerun-dialog');
    this.drift = page.getByTestId('drift-report');
    this.rerunResults = page.getByTestId('rerun-results');
  }

  async replay(): Promise<void> {
    await this.page.getByTestId('run-replay').click();
  }

  async openRerun(): Promise<void> {
    await this.page.getByTestId('run-rerun').click();
  }

  async startRerun(): Promise<void> {
    await this.page.getByTestId('rerun-start').click();
  }
}
