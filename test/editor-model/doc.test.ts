import { afterAll, describe, expect, it } from 'vitest';
import { openKernel } from '../helpers';
import { ExperimentDoc } from '../../renderer/src/features/editor/model/doc';
import { commentLines, examples, lineDiff, loadProblems } from './support';

const kernel = openKernel();
afterAll(() => kernel.close());

/** Applies `op` to a fresh doc of `text` and returns the line diff, checking comments and that the file still loads and validates. */
function applied(ex: { file: string; text: string }, op: (d: ExperimentDoc) => void): { text: string; removed: string[]; added: string[] } {
  const d = ExperimentDoc.parse(ex.text);
  op(d);
  const text = d.toString();
  expect(loadProblems(kernel, text, ex.file)).toEqual([]);
  // Every comment of the original is still there.
  for (const c of commentLines(ex.text)) expect(text.split('\n')).toContain(c);
  return { text, ...lineDiff(ex.text, text) };
}

describe.each(examples())('ExperimentDoc on examples/$name', (ex) => {
  const first = () => ExperimentDoc.parse(ex.text).graph().steps.find((s) => s.sweep === null)!;

  it('gives the file back byte for byte and it loads as it is', () => {
    expect(ExperimentDoc.parse(ex.text).toString()).toBe(ex.text);
    expect(loadProblems(kernel, ex.text, ex.file)).toEqual([]);
  });

  it('setPositions adds one metadata block and nothing else; moving one node changes one line', () => {
    const keys = ExperimentDoc.parse(ex.text).graph().steps.map((s) => s.key);
    const positions = Object.fromEntries(keys.map((k, i) => [k, { x: i * 250.4, y: 10 }]));
    const r = applied(ex, (d) => d.setPositions(positions));
    expect(r.removed).toEqual([]);
    expect(r.added).toEqual(['metadata:', '  editor:', '    positions:', ...keys.map((k, i) => `      ${k}: [${Math.round(i * 250.4)}, 10]`)]);
    expect(ExperimentDoc.parse(r.text).graph().positions[keys[0]!]).toEqual({ x: 0, y: 10 });
    const moved = applied({ file: ex.file, text: r.text }, (d) => d.setPositions({ [keys[0]!]: { x: -5, y: 7 } }));
    expect(moved.removed).toEqual([`      ${keys[0]}: [0, 10]`]);
    expect(moved.added).toEqual([`      ${keys[0]}: [-5, 7]`]);
  });

  it('setMeta changes only its line', () => {
    const r = applied(ex, (d) => d.setMeta('concurrency', 7));
    expect(r.added).toEqual(['concurrency: 7']);
    expect(r.removed.length).toBeLessThanOrEqual(1);
  });

  it('addStep + connect (dep and ref) + removeStep round-trips to the original text', () => {
    const src = first();
    const d = ExperimentDoc.parse(ex.text);
    const key = d.addStep('noop', { params: { note: 'x' } });
    d.connect(src.key, key, { kind: 'dep' });
    d.connect(src.key, key, { kind: 'ref', output: 'anything', into: 'inputs', name: 'in' });
    const r = lineDiff(ex.text, d.toString());
    expect(r.removed).toEqual([]);
    expect(r.added.join('\n')).toContain(`  noop:\n    skill: noop\n    params: { note: x }`);
    expect(r.added).toContain(`    deps: [${src.id}]`);
    expect(r.added).toContain(`      in: "\${steps.${src.id}.outputs.anything}"`);
    expect(d.graph().edges.filter((e) => e.target === key).map((e) => [e.source, e.kind, e.field])).toEqual([
      [src.key, 'dep', 'deps.0'],
      [src.key, 'ref', 'inputs.in'],
    ]);
    d.removeStep(key);
    expect(d.toString()).toBe(ex.text);
  });

  it('renameStep rewrites every reference and dependency to the step and changes only those lines', () => {
    const g = ExperimentDoc.parse(ex.text).graph();
    const src = g.steps.find((s) => s.sweep === null && g.edges.some((e) => e.source === s.key))!;
    const uses = g.edges.filter((e) => e.source === src.key).length;
    const r = applied(ex, (d) => expect(d.renameStep(src.key, `${src.id}_v2`)).toBe(`${src.id}_v2`));
    const after = ExperimentDoc.parse(r.text).graph();
    expect(after.edges.filter((e) => e.source === `${src.id}_v2`)).toHaveLength(uses);
    expect(after.edges.some((e) => e.source === src.key)).toBe(false);
    expect(r.removed.length).toBe(r.added.length);
    expect(r.removed.length).toBeLessThanOrEqual(uses + 1);
  });

  it('addSweep, addStep into it, setSweepSpec and removeSweep', () => {
    const d = ExperimentDoc.parse(ex.text);
    d.addSweep('extra', { grid: { x: [1, 2] } });
    const key = d.addStep('noop', { sweep: 'extra', params: { x: '${trial.x}' } });
    expect(key).toBe('extra.noop');
    expect(loadProblems(kernel, d.toString(), ex.file)).toEqual([]);
    const withSweep = d.toString();
    d.setSweepSpec('extra', { grid: { x: [1, 2, 3] }, seeds: [1] });
    const r = lineDiff(withSweep, d.toString());
    expect(r.removed).toEqual(['    grid: { x: [1, 2] }']);
    expect(r.added).toEqual(['    grid: { x: [1, 2, 3] }', '    seeds: [1]']);
    expect(d.graph().sweeps.find((s) => s.name === 'extra')).toMatchObject({ protocol: 'grid', steps: ['extra.noop'], spec: { grid: { x: [1, 2, 3] }, seeds: [1] } });
    expect(loadProblems(kernel, d.toString(), ex.file)).toEqual([]);
    d.removeSweep('extra');
    const back = lineDiff(ex.text, d.toString());
    // Only `version: 2` may remain (the v1 file was upgraded to hold a sweep).
    expect(back.removed.filter((l) => !l.startsWith('version'))).toEqual([]);
    expect(back.added.filter((l) => l !== 'version: 2')).toEqual([]);
  });

  it('setParam edits one value in place and deletes it again', () => {
    const s = first();
    const r = applied(ex, (d) => d.setField(s.key, 'description', 'A new description.'));
    expect(r.added).toEqual(expect.arrayContaining([expect.stringContaining('description: A new description.')]));
    expect(r.added).toHaveLength(1);
    expect(r.removed.length).toBeLessThanOrEqual(1);
  });
});
