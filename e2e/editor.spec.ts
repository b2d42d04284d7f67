/**
 * The experiment editor (U4) against the real kernel: a DAG built from the palette is saved,
 * run from the editor, and the written YAML runs the same with the CLI; comments survive an
 * edit; a cycle is shown on its edges and refused by Run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, expect, freshHome, shot, test, type Served } from './fixtures/serve';
import { EditorPage } from './pages/editor-page';
import { RunPage } from './pages/run-page';

interface ShownStep {
  id: string;
  state: string;
  cacheHit: boolean;
  cacheKey: string | null;
  outputs: Record<string, unknown> | null;
}
interface Shown {
  id: string;
  state: string;
  steps: ShownStep[];
}

function show(served: Served, runId: string, home?: string): Shown {
  const r = home ? cli(home, ['show', runId, '--json']) : served.sgr(['show', runId, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Shown;
}

/** The CLI on another home: there nothing is cached, so every step really runs. */
function cli(home: string, args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'sgr.mjs'), ...args], { cwd: ROOT, env: { ...process.env, SGR_HOME: home }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `sgr run --json` prints the run id first, then the final state as JSON. */
const runIdOf = (stdout: string) => (JSON.parse(stdout.slice(stdout.indexOf('{'))) as { runId: string }).runId;

const byId = (s: Shown) => Object.fromEntries(s.steps.map((x) => [x.id, x]));

test('a DAG built from the palette is saved, runs from the editor, and the CLI runs the saved YAML the same', async ({ page, served }) => {
  const ed = new EditorPage(page);
  await ed.open(served.url);
  await expect(page.getByTestId('palette-skill-shell')).toBeVisible();

  await ed.addFromPalette('shell');
  await ed.addFromPalette('python');
  await expect(ed.node('shell')).toBeVisible();
  await expect(ed.node('python')).toBeVisible();
  await ed.connect('shell', 'python');
  await expect(ed.edge('shell', 'python')).toHaveAttribute('data-problem', 'false');

  await ed.setParam('shell', 'command', "printf 'hello from the editor' > greeting.txt");
  await ed.setParam('shell', 'outputs', 'greeting: greeting.txt');
  await ed.setParam('python', 'code', 'print("after the shell step")');
  await ed.checked();
  await expect(ed.problems).toHaveAttribute('data-count', '0');
  await expect(ed.plan).toHaveAttribute('data-steps', '2');
  await expect(ed.plan).toHaveAttribute('data-willrun', '1');
  await expect(ed.run).toHaveAttribute('data-blocked', 'false');

  const dir = mkdtempSync(join(tmpdir(), 'sgr-e2e-editor-'));
  const saved = join(dir, 'built.yaml');
  await ed.saveAs(saved);
  const doc = parse(readFileSync(saved, 'utf8')) as { steps: Record<string, { skill: string; deps?: string[]; params?: Record<string, unknown> }>; metadata?: { editor?: { positions?: object } } };
  expect(doc.steps['python']?.deps).toEqual(['shell']);
  expect(doc.steps['shell']?.params).toEqual({ command: "printf 'hello from the editor' > greeting.txt", outputs: { greeting: 'greeting.txt' } });
  expect(Object.keys(doc.metadata?.editor?.positions ?? {}).sort()).toEqual(['python', 'shell']);
  await shot(page, 'editor-built-dag');

  await ed.run.click();
  const dialog = page.getByTestId('launch-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('data-loading', 'false');
  await dialog.getByTestId('launch-submit').click();
  const run = new RunPage(page);
  await expect(run.view).toBeVisible();
  await expect(run.view).toHaveAttribute('data-state', 'COMPLETED', { timeout: 60_000 });
  await expect(run.node('python')).toHaveAttribute('data-state', 'COMPLETED');
  const runId = decodeURIComponent(/#\/runs\/([^/?]+)/.exec(page.url())![1]!);
  const ui = show(served, runId);
  expect(ui.state).toBe('COMPLETED');

  // The CLI on the same home: the saved file is the same plan, so every step is a cache hit.
  const again = served.sgr(['run', saved, '--json']);
  expect(again.code, again.stderr).toBe(0);
  const same = show(served, runIdOf(again.stdout));
  expect(same.steps.map((s) => [s.id, s.cacheHit])).toEqual([
    ['shell', true],
    ['python', true],
  ]);
  // On a fresh home it really runs: the same cache keys and the same outputs (the greeting's digest).
  const home = freshHome();
  const fresh = cli(home, ['run', saved, '--json']);
  expect(fresh.code, fresh.stderr).toBe(0);
  const other = show(served, runIdOf(fresh.stdout), home);
  expect(other.steps.every((s) => !s.cacheHit)).toBe(true);
  for (const id of ['shell', 'python']) {
    expect(byId(other)[id]!.cacheKey).toBe(byId(ui)[id]!.cacheKey);
    expect(byId(other)[id]!.outputs).toEqual(byId(ui)[id]!.outputs);
  }
  expect(byId(ui)['shell']!.outputs!['greeting']).toMatchObject({ $artifact: expect.stringMatching(/^sha256:/) as unknown });
});

const COMMENTED = `# Kept by the editor: this header comment.
version: 1
name: commented
steps:
  hello:
    # the greeting step
    skill: shell
    params:
      command: echo one # says one
  after:
    skill: noop
    deps: [hello] # runs last
`;

test('editing a param keeps the file’s comments and key order; undo and redo move through the edits', async ({ page, served }) => {
  const dir = mkdtempSync(join(tmpdir(), 'sgr-e2e-editor-'));
  const file = join(dir, 'commented.yaml');
  writeFileSync(file, COMMENTED);
  const ed = new EditorPage(page);
  await ed.open(served.url, file);
  await expect(ed.node('hello')).toBeVisible();
  // An edge is an SVG group: a straight horizontal one has an empty box, so attached, not visible.
  await expect(ed.edge('hello', 'after')).toBeAttached();
  await ed.checked();
  await expect(ed.node('hello')).toHaveAttribute('data-cache', 'run');

  await ed.setParam('hello', 'command', 'echo two');
  await expect(ed.path).toHaveAttribute('data-dirty', 'true');
  await page.getByTestId('editor-undo').click();
  await expect(ed.inspector.getByTestId('param-command')).toHaveValue('echo one');
  await page.getByTestId('editor-redo').click();
  await expect(ed.inspector.getByTestId('param-command')).toHaveValue('echo two');

  // Ctrl-S while still typing in a field saves what was typed.
  await ed.inspector.getByTestId('param-command').fill('echo three');
  await page.keyboard.press('Control+s');
  await expect(ed.path).toHaveAttribute('data-dirty', 'false');
  const text = readFileSync(file, 'utf8');
  expect(text).toBe(COMMENTED.replace('echo one # says one', 'echo three # says one'));

  // The YAML view edits the same buffer; a syntax error is listed and blocks Run.
  await page.getByTestId('editor-view-yaml').click();
  const source = page.getByTestId('editor-source');
  await expect(source).toHaveValue(text);
  await source.fill(`${text}  broken: [unclosed\n`);
  await source.blur();
  await expect(ed.problems.getByTestId('problem').first()).toContainText('YAML');
  await expect(ed.run).toHaveAttribute('data-blocked', 'true');
  await expect(ed.run).toHaveAttribute('title', /YAML syntax error/);
  await page.getByTestId('editor-undo').click();
  await expect(source).toHaveValue(text);
  await expect(ed.run).toHaveAttribute('data-blocked', 'false');
});

test('a cycle is shown on its edges and Run refuses it', async ({ page, served }) => {
  const ed = new EditorPage(page);
  await ed.open(served.url);
  await ed.addFromPalette('shell');
  await ed.addFromPalette('noop');
  // Inline validation from the skill's schema: the command is required.
  await ed.setParam('shell', 'command', '');
  await expect(ed.inspector.getByTestId('param-command')).toHaveAttribute('data-invalid', 'true');
  await expect(ed.inspector.getByTestId('param-command-error')).toHaveText('required');
  await ed.setParam('shell', 'command', 'true');
  await expect(ed.inspector.getByTestId('param-command')).toHaveAttribute('data-invalid', 'false');
  await ed.connect('shell', 'noop');
  await ed.checked();
  await expect(ed.run).toHaveAttribute('data-blocked', 'false');
  await shot(page, 'editor-normal');

  await ed.connect('noop', 'shell');
  await expect(ed.edge('shell', 'noop')).toHaveAttribute('data-problem', 'true');
  await expect(ed.edge('noop', 'shell')).toHaveAttribute('data-problem', 'true');
  await expect(ed.node('shell')).toHaveAttribute('data-problem', 'true');
  await expect(ed.problems.getByTestId('problem').first()).toContainText(/cycle/i);
  await expect(ed.run).toHaveAttribute('data-blocked', 'true');
  await expect(ed.run).toHaveAttribute('title', /cycle/i);
  // A problem in the list takes you to its step.
  await ed.problems.locator('[data-testid="problem"][data-step="noop"]').click();
  await expect(ed.inspector).toHaveAttribute('data-selected', 'noop');
  await expect(ed.inspector.getByTestId('inspector-problems')).toContainText(/cycle/);
  // aria-disabled: Playwright would wait for it to be enabled; a real click must do nothing.
  await ed.run.click({ force: true });
  await expect(page.getByTestId('launch-dialog')).toHaveCount(0);
  await expect(page.getByTestId('editor-run-confirm')).toHaveCount(0);
  await shot(page, 'editor-cycle-error');

  // Undo removes the back edge: the problems go, Run is allowed again.
  await page.getByTestId('editor-undo').click();
  await expect(ed.edge('noop', 'shell')).toHaveCount(0);
  await expect(ed.edge('shell', 'noop')).toHaveAttribute('data-problem', 'false');
  await expect(ed.run).toHaveAttribute('data-blocked', 'false');
});

test('an example with a sweep: the template steps sit in the sweep’s frame, the sweep is edited as a form, the plan follows', async ({ page, served }) => {
  const ed = new EditorPage(page);
  await ed.open(served.url);
  await page.getByTestId('editor-examples').selectOption({ label: 'lora-rank-ablation' });
  await expect(ed.path).toHaveAttribute('title', /lora-rank-ablation\.yaml$/);
  const frame = page.getByTestId('editor-sweep-rank');
  await expect(frame).toBeVisible();
  await expect(ed.node('rank.train')).toBeVisible();
  await expect(ed.edge('pretrain', 'rank.train')).toBeAttached();
  await ed.checked();
  await expect(ed.problems).toHaveAttribute('data-count', '0');
  await expect(page.getByTestId('plan-sweep-rank')).toContainText('6 trials');
  await expect(ed.node('rank.train')).toHaveAttribute('data-cache', /run|unknown/);

  await frame.click({ position: { x: 30, y: 8 } });
  await expect(page.getByTestId('sweep-inspector')).toBeVisible();
  await expect(page.getByTestId('sweep-protocol')).toHaveValue('grid');
  const seeds = page.getByTestId('sweep-seeds');
  await expect(seeds).toHaveValue('1, 2');
  await seeds.fill('1, x');
  await expect(page.getByTestId('sweep-seeds-error')).toBeVisible();
  await seeds.fill('1');
  await seeds.blur();
  await expect(ed.path).toHaveAttribute('data-dirty', 'true');
  await ed.checked();
  await expect(page.getByTestId('plan-sweep-rank')).toContainText('3 trials');

  // A skill dropped inside the frame joins the sweep's template; a reference connects it.
  // Dropped on the canvas at the frame's bottom-left corner, where no step covers it.
  const fb = (await frame.boundingBox())!;
  const cb = (await ed.canvas.boundingBox())!;
  await page.getByTestId('palette-skill-noop').dragTo(ed.canvas, { targetPosition: { x: fb.x - cb.x + 8, y: fb.y - cb.y + fb.height - 8 } });
  await expect(ed.node('rank.noop')).toBeVisible();
  await ed.connect('data', 'rank.noop', { output: 'val', into: 'inputs', name: 'data' });
  await expect(ed.edge('data', 'rank.noop')).toBeAttached();
  await ed.checked();
  await expect(page.getByTestId('plan-sweep-rank')).toContainText('3 trials');
  await expect(ed.plan).toHaveAttribute('data-steps', /\d+/);
  await ed.node('rank.noop').click();
  await expect(ed.inspector.getByTestId('input-data')).toHaveValue('${steps.data.outputs.val}');
  await shot(page, 'editor-sweep');

  // Delete removes the selected step and its connections.
  await page.keyboard.press('Delete');
  await expect(ed.node('rank.noop')).toHaveCount(0);
  await expect(ed.edge('data', 'rank.noop')).toHaveCount(0);
});
