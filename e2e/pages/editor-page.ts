/** Page object: the experiment editor (palette, canvas, inspector, problems, plan preview). */
import { expect, type Locator, type Page } from '@playwright/test';

/** The element's box once the view stopped moving (the canvas refits when steps are added). */
async function stableBox(el: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = '';
  await expect
    .poll(async () => {
      const box = JSON.stringify(await el.boundingBox());
      const same = box === last;
      last = box;
      return same;
    })
    .toBe(true);
  return JSON.parse(last) as { x: number; y: number; width: number; height: number };
}

export class EditorPage {
  readonly view: Locator;
  readonly canvas: Locator;
  readonly inspector: Locator;
  readonly problems: Locator;
  readonly plan: Locator;
  readonly run: Locator;
  readonly path: Locator;
  constructor(readonly page: Page) {
    this.view = page.getByTestId('editor-page');
    this.canvas = page.getByTestId('editor-canvas');
    this.inspector = page.getByTestId('inspector');
    this.problems = page.getByTestId('editor-problems');
    this.plan = page.getByTestId('plan-preview');
    this.run = page.getByTestId('editor-run');
    this.path = page.getByTestId('editor-path');
  }

  /** Opens the editor on `file` (a new experiment without one), served at `url` (token included). */
  async open(url: string, file?: string): Promise<void> {
    await this.page.goto(file ? `${url}#/editor?file=${encodeURIComponent(file)}` : `${url}#/editor`);
    await expect(this.view).toHaveAttribute('data-loaded', 'true');
  }

  node(key: string): Locator {
    return this.page.getByTestId(`editor-node-${key}`);
  }

  edge(source: string, target: string): Locator {
    return this.page.getByTestId(`editor-edge-${source}-${target}`);
  }

  async addFromPalette(skill: string): Promise<void> {
    await this.page.getByTestId(`palette-skill-${skill}`).click();
  }

  /** Drags from the source handle of `source` to the target handle of `target`, then picks how to connect. */
  async connect(source: string, target: string, how: 'dep' | { output: string; into: 'inputs' | 'params'; name: string } = 'dep'): Promise<void> {
    // Nodes change height when the check's problems arrive and the view refits when steps are
    // added: drag only once both settled, as a person would.
    await this.checked();
    await expect(this.canvas).toHaveAttribute('data-fitted', (await this.canvas.getAttribute('data-steps'))!);
    const from = this.node(source).locator('.react-flow__handle.source');
    const to = this.node(target).locator('.react-flow__handle.target');
    const a = await stableBox(from);
    const b = await stableBox(to);
    await this.page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 5 });
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
    await this.page.mouse.up();
    const pop = this.page.getByTestId('connect-popover');
    await expect(pop).toBeVisible();
    if (how === 'dep') await pop.getByTestId('connect-dep').click();
    else {
      await pop.getByTestId('connect-output').fill(how.output);
      await pop.getByTestId('connect-into').selectOption(how.into);
      await pop.getByTestId('connect-name').fill(how.name);
      await pop.getByTestId('connect-ref').click();
    }
    await expect(pop).toBeHidden();
  }

  /** Selects a step and writes a params field through the generated form (committed on blur). */
  async setParam(step: string, path: string, value: string): Promise<void> {
    await this.node(step).click();
    await expect(this.inspector).toHaveAttribute('data-selected', step);
    const field = this.inspector.getByTestId(`param-${path}`);
    await field.fill(value);
    await field.blur();
  }

  async saveAs(path: string): Promise<void> {
    await this.page.getByTestId('editor-saveas').click();
    await this.page.getByTestId('editor-saveas-path').fill(path);
    await this.page.getByTestId('editor-saveas-confirm').click();
    await expect(this.path).toHaveAttribute('data-dirty', 'false');
    await expect(this.path).toHaveAttribute('title', path);
  }

  /** Waits until the plan preview shows the check of the current buffer. */
  async checked(): Promise<void> {
    await expect(this.plan).toHaveAttribute('data-fresh', 'true');
  }
}
