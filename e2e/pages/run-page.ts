/** Page object: one run (DAG, step panel, logs, metrics). */
import type { Locator, Page } from '@playwright/test';

export class RunPage {
  readonly view: Locator;
  readonly chart: Locator;
  readonly log: Locator;
  constructor(readonly page: Page) {
    this.view = page.getByTestId('run-view');
    this.chart = page.getByTestId('metric-chart');
    this.log = page.getByTestId('log-view');
  }

  node(stepId: string): Locator {
    return this.page.getByTestId(`dag-node-${stepId}`);
  }

  async openStep(stepId: string, tab?: 'details' | 'logs' | 'metrics' | 'artifacts' | 'manifest'): Promise<void> {
    await this.node(stepId).click();
    if (tab) await this.page.getByTestId(`step-tab-${tab}`).click();
  }
}
