/** Page object: the compare view (U6) and its manifest diff (R2); the runs browser's picking. */
import type { Locator, Page } from '@playwright/test';

export class ComparePage {
  readonly view: Locator;
  readonly overlay: Locator;
  readonly paramTable: Locator;
  readonly parallel: Locator;
  readonly selects: Locator;
  readonly diff: Locator;
  constructor(readonly page: Page) {
    this.view = page.getByTestId('compare-page');
    this.overlay = page.getByTestId('metric-overlay');
    this.paramTable = page.getByTestId('param-table');
    this.parallel = page.getByTestId('parallel-coords');
    this.selects = page.getByTestId('select-results');
    this.diff = page.getByTestId('manifest-diff');
  }

  /** Ticks the runs' checkboxes in the runs browser and presses "Compare N". */
  async pickAndCompare(runIds: readonly string[]): Promise<void> {
    for (const id of runIds) await this.page.getByTestId(`run-select-${id}`).check();
    await this.page.getByTestId('compare-selected').click();
  }

  run(id: string): Locator {
    return this.page.getByTestId(`compare-run-${id}`);
  }

  paramRow(key: string): Locator {
    return this.page.getByTestId(`param-row-${key}`);
  }

  /** Keys of the param rows marked as differing. */
  async differingParams(): Promise<string[]> {
    const rows = this.paramTable.locator('[data-differs="true"]');
    const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
    return ids.map((t) => t.replace(/^param-row-/, '')).sort();
  }

  section(name: string): Locator {
    return this.page.getByTestId(`diff-section-${name}`);
  }

  /** Paths of the changes listed in one diff section. */
  async changePaths(name: string): Promise<string[]> {
    return this.section(name)
      .getByTestId('diff-change')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-path') ?? ''));
  }

  /** Drags along a parallel-coordinates axis from `from` to `to`: fractions of its hit area (0 = bottom, 1 = top), which reaches a little beyond both ends of the axis. */
  async brush(axisKey: string, from: number, to: number): Promise<void> {
    const axis = this.page.getByTestId(`pc-brush-${axisKey}`);
    await axis.scrollIntoViewIfNeeded();
    const box = await axis.boundingBox();
    if (!box) throw new Error(`parallel coordinates: no axis ${axisKey}`);
    const x = box.x + box.width / 2;
    const y = (t: number): number => box.y + box.height * (1 - t);
    await this.page.mouse.move(x, y(from));
    await this.page.mouse.down();
    await this.page.mouse.move(x, y((from + to) / 2), { steps: 4 });
    await this.page.mouse.move(x, y(to), { steps: 4 });
    await this.page.mouse.up();
  }

  async pickDiff(a: string, b: string): Promise<void> {
    await this.page.getByTestId('diff-pick-a').selectOption(a);
    await this.page.getByTestId('diff-pick-b').selectOption(b);
  }
}
