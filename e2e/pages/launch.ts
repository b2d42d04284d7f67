/** Page object: the launch dialog (U5) and its result list. */
import { expect, type Locator, type Page } from '@playwright/test';

export class LaunchDialog {
  readonly dialog: Locator;
  readonly result: Locator;
  readonly resultRuns: Locator;
  readonly error: Locator;
  constructor(readonly page: Page) {
    this.dialog = page.getByTestId('launch-dialog');
    this.result = page.getByTestId('launch-result');
    this.resultRuns = page.getByTestId('launch-result-run');
    this.error = page.getByTestId('launch-error');
  }

  field(name: string): Locator {
    return this.page.getByTestId(`launch-${name}`);
  }

  /** Waits until the experiment is read and expanded (its steps listed). */
  async ready(steps: number): Promise<void> {
    await expect(this.dialog).toHaveAttribute('data-loading', 'false');
    await expect(this.dialog).toHaveAttribute('data-steps', String(steps));
  }

  /** Turns the sweep on and fills a grid over one parameter of one step. */
  async gridSweep(step: string, param: string, values: string): Promise<void> {
    await this.field('sweep-toggle').check();
    await this.field('sweep-step').selectOption(step);
    await this.field('sweep-param').selectOption(param);
    await this.field('sweep-protocol').selectOption('grid');
    await this.field('sweep-values').fill(values);
  }

  async runCount(): Promise<string | null> {
    return this.page.getByTestId('launch-run-count').getAttribute('data-runs');
  }

  /** The launched runs' ids, once `n` are listed. */
  async launchedRuns(n: number): Promise<string[]> {
    await expect(this.resultRuns).toHaveCount(n);
    return Promise.all((await this.resultRuns.all()).map(async (r) => (await r.getAttribute('data-run-id')) ?? ''));
  }
}
