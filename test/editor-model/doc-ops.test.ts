import { afterAll, describe, expect, it } from 'vitest';
import { openKernel } from '../helpers';
import { EditorOpError, ExperimentDoc } from '../../renderer/src/features/editor/model/doc';
import { examples, lineDiff, loadProblems } from './support';

const kernel = openKernel();
afterAll(() => kernel.close());

const ex = (name: string) => examples().find((e) => e.name === name)!;
const fanout = ex('fanout/experiment.yaml');
const lora = ex('lora-rank-ablation.yaml');

function diffOf(text: string, op: (d: ExperimentDoc) => void) {
  const d = ExperimentDoc.parse(text);
  op(d);
  return { ...lineDiff(text, d.toString()), text: d.toString() };
}

describe('ExperimentDoc operations, line by line (fanout example)', () => {
  it('setParam inside a flow map rewrites that one line, keeping the quoting', () => {
    const r = diffOf(fanout.text, (d) => d.setParam('shard_0', 'args.1', 4));
    expect(r.removed).toEqual(['    params: { script: stats.py, args: [0, 3], outputs: { stats: stats.json } }']);
    expect(r.added).toEqual(['    params: { script: stats.py, args: [0, 4], outputs: { stats: stats.json } }']);
  });

  it('setParam of a new key in a block map adds one line; undefined removes it again', () => {
    const r = diffOf(fanout.text, (d) => d.setParam('merge', 'name', 'all.jsonl'));
    expect(r).toMatchObject({ removed: ['      name: shards.jsonl'], added: ['      name: all.jsonl'] });
    const added = diffOf(fanout.text, (d) => d.setParam('generate', 'env', { LANG: 'C' }));
    expect(added).toMatchObject({ removed: [], added: ['      env: { LANG: C }'] });
    const back = diffOf(added.text, (d) => d.setParam('generate', 'env', undefined));
    expect(back.text).toBe(fanout.text);
  });

  it('removeStep drops the step, the list entries that used it, and nothing else', () => {
    const r = diffOf(fanout.text, (d) => d.removeStep('shard_2'));
    expect(r.added).toEqual([]);
    expect(r.removed).toEqual([
      '  shard_2:',
      '    skill: python',
      '    inputs: { numbers: "${steps.generate.outputs.numbers}" }',
      '    params: { script: stats.py, args: [2, 3], outputs: { stats: stats.json } }',
      '        - "${steps.shard_2.outputs.stats}"',
    ]);
    expect(loadProblems(kernel, r.text, fanout.file)).toEqual([]);
  });

  it('removeStep of a step used by a whole-value input removes that input', () => {
    const r = diffOf(fanout.text, (d) => d.removeStep('merge'));
    expect(r.removed).toContain('    inputs: { shards: "${steps.merge.outputs.file}" }');
    expect(r.added).toEqual(['    inputs: {}']);
    expect(loadProblems(kernel, r.text, fanout.file)).toEqual([]);
  });

  it('renameStep changes the key line and each reference line', () => {
    const r = diffOf(fanout.text, (d) => d.renameStep('generate', 'numbers'));
    expect(r.removed).toEqual(['  generate:', ...[0, 1, 2].map(() => '    inputs: { numbers: "${steps.generate.outputs.numbers}" }')]);
    expect(r.added).toEqual(['  numbers:', ...[0, 1, 2].map(() => '    inputs: { numbers: "${steps.numbers.outputs.numbers}" }')]);
  });

  it('disconnect removes a dep entry or a whole-value reference', () => {
    const d = ExperimentDoc.parse(fanout.text);
    d.connect('generate', 'summary', { kind: 'dep' });
    d.connect('shard_0', 'summary', { kind: 'dep' });
    expect(lineDiff(fanout.text, d.toString()).added).toEqual(['    deps: [generate, shard_0]']);
    d.disconnect('generate->summary:deps.0');
    expect(d.graph().edges.filter((e) => e.target === 'summary').map((e) => e.id)).toEqual(['shard_0->summary:deps.0', 'merge->summary:inputs.shards']);
    d.disconnect('shard_0->summary:deps.0');
    d.disconnect('merge->summary:inputs.shards');
    expect(lineDiff(fanout.text, d.toString())).toEqual({ removed: ['    inputs: { shards: "${steps.merge.outputs.file}" }'], added: ['    inputs: {}', '    deps: []'] });
  });

  it('moves positions by text alone, and later structural edits still land in the right place', () => {
    const d = ExperimentDoc.parse(fanout.text);
    d.setPositions({ generate: { x: 0, y: 0 }, shard_0: { x: 300, y: 0 }, summary: { x: 900, y: 0 } });
    d.setPositions({ generate: { x: -12345, y: 5 } });
    d.setPositions({ shard_0: { x: 1, y: 2 }, summary: { x: 3, y: 4 } });
    expect(d.graph().positions).toEqual({ generate: { x: -12345, y: 5 }, shard_0: { x: 1, y: 2 }, summary: { x: 3, y: 4 } });
    d.renameStep('summary', 'report');
    d.setParam('merge', 'name', 'x.jsonl');
    d.setPositions({ report: { x: 7, y: 8 }, generate: { x: 0, y: 1 } });
    d.setMeta('description', 'moved');
    const again = ExperimentDoc.parse(d.toString());
    expect(again.graph()).toEqual(d.graph());
    expect(again.graph().positions).toEqual({ generate: { x: 0, y: 1 }, shard_0: { x: 1, y: 2 }, report: { x: 7, y: 8 } });
    expect(d.toString()).toContain('      report: [7, 8]\n');
    expect(loadProblems(kernel, d.toString(), fanout.file)).toEqual([]);
  });

  it('refuses bad operations with messages that name the step or field', () => {
    const d = ExperimentDoc.parse(fanout.text);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(EditorOpError);
        return (e as Error).message;
      }
      throw new Error('expected an EditorOpError');
    };
    expect(err(() => d.setParam('nope', 'x', 1))).toMatch(/^unknown step "nope" \(steps: generate, shard_0/);
    expect(err(() => d.addStep('noop', { id: 'merge' }))).toBe('step id "merge" is already used');
    expect(err(() => d.addStep('noop', { id: '9lives' }))).toMatch(/^invalid step id "9lives": a step id starts with a letter/);
    expect(err(() => d.renameStep('merge', 'summary'))).toBe('cannot rename "merge" to "summary": a step "summary" exists');
    expect(err(() => d.connect('summary', 'generate', { kind: 'dep' }))).toBe('connecting "summary" → "generate" would make a cycle: "summary" already depends on "generate"');
    expect(err(() => d.connect('merge', 'merge', { kind: 'dep' }))).toBe('cannot connect "merge" to itself');
    expect(err(() => d.connect('merge', 'summary', { kind: 'ref', output: 'file', into: 'inputs', name: 'a b' }))).toBe('summary.inputs: "a b" is not a valid input name');
    expect(err(() => d.disconnect('x->y:deps.0'))).toBe('unknown connection "x->y:deps.0"');
    expect(err(() => d.setMeta('concurrency', 0))).toBe('concurrency: expected a whole number 1–1024, got 0');
    expect(err(() => d.setMeta('name', ''))).toBe('name: an experiment needs a non-empty name');
    expect(err(() => d.addSweep('bad-name', { grid: { a: [1] } }))).toMatch(/^invalid sweep name "bad-name"/);
    expect(err(() => d.setSweepSpec('nope', {}))).toBe('unknown sweep "nope"');
    // Nothing was changed by the refused operations.
    expect(d.toString()).toBe(fanout.text);
  });

  it('a reference inside longer text is not cut out by disconnect', () => {
    const d = ExperimentDoc.parse(fanout.text);
    d.setParam('summary', 'args', ['--in', 'x ${steps.generate.outputs.numbers} y']);
    expect(() => d.disconnect('generate->summary:params.args.1')).toThrow('summary: the reference to "generate" is part of the text of params.args.1; edit that text to remove it');
  });

  it('refuses edits of a file with a YAML syntax error, and reports the error in the graph', () => {
    const d = ExperimentDoc.parse('name: x\nsteps:\n  a: { skill: noop\n');
    expect(d.graph().syntaxErrors[0]).toMatchObject({ line: expect.any(Number), col: expect.any(Number) });
    expect(() => d.addStep('noop')).toThrow(/YAML syntax error at line \d+/);
  });

  it('blank() starts a file that the first addStep turns into a valid experiment', () => {
    const d = ExperimentDoc.blank('my-exp');
    expect(d.toString()).toBe('version: 2\nname: my-exp\n');
    d.addStep('noop', { position: { x: 1, y: 2 } });
    expect(d.toString()).toBe('version: 2\nname: my-exp\nsteps:\n  noop:\n    skill: noop\nmetadata:\n  editor:\n    positions:\n      noop: [1, 2]\n');
    expect(loadProblems(kernel, d.toString(), '/tmp/x.yaml')).toEqual([]);
    expect(d.addStep('noop')).toBe('noop_2');
  });
});

describe('ExperimentDoc operations on sweeps (lora-rank-ablation example)', () => {
  it('renaming a template step rewrites the template references and the objective, not the top level', () => {
    const r = diffOf(lora.text, (d) => expect(d.renameStep('rank.eval', 'score')).toBe('rank.score'));
    expect(r.removed).toEqual(['    objective: { metric: eval.exact_match, direction: maximize }', '      eval:']);
    expect(r.added).toEqual(['    objective: { metric: score.exact_match, direction: maximize }', '      score:']);
    expect(loadProblems(kernel, r.text, lora.file)).toEqual([]);
  });

  it('renaming a top-level step used inside the template rewrites the template references', () => {
    const r = diffOf(lora.text, (d) => d.renameStep('pretrain', 'base'));
    expect(r.removed.filter((l) => l.includes('pretrain'))).toHaveLength(r.removed.length);
    expect(r.added.filter((l) => l.includes('${steps.base.outputs.model}'))).toHaveLength(2);
    expect(loadProblems(kernel, r.text, lora.file)).toEqual([]);
  });

  it('refuses a rename that a template sibling would capture, and cross-template connections', () => {
    const d = ExperimentDoc.parse(lora.text);
    expect(() => d.renameStep('pretrain', 'config')).toThrow(/sweep "rank" has a template step "config"/);
    expect(() => d.connect('rank.train', 'pretrain', { kind: 'dep' })).toThrow(`"pretrain" cannot use "rank.train": a step of sweep "rank"'s template is only visible inside that template`);
    expect(() => d.connect('base_config', 'rank.train', { kind: 'dep' })).not.toThrow();
    expect(d.graph().steps.find((s) => s.key === 'rank.train')!.deps).toEqual(['base_config']);
  });

  it('connects inside a template by the template id', () => {
    const d = ExperimentDoc.parse(lora.text);
    d.connect('rank.config', 'rank.eval', { kind: 'ref', output: 'config', into: 'inputs', name: 'cfg' });
    expect(d.graph().edges).toContainEqual({ id: 'rank.config->rank.eval:inputs.cfg', source: 'rank.config', target: 'rank.eval', kind: 'ref', field: 'inputs.cfg', output: 'config' });
    expect(lineDiff(lora.text, d.toString())).toEqual({ removed: [], added: ['          cfg: "${steps.config.outputs.config}"'] });
    expect(loadProblems(kernel, d.toString(), lora.file)).toEqual([]);
  });

  it('removeSweep of the only sweep removes the sweeps block', () => {
    const d = ExperimentDoc.parse(lora.text);
    d.removeSweep('rank');
    expect(d.toString()).not.toContain('sweeps:');
    expect(d.toString().startsWith(lora.text.slice(0, lora.text.indexOf('sweeps:')).trimEnd())).toBe(true);
    expect(loadProblems(kernel, d.toString(), lora.file)).toEqual([]);
  });
});
