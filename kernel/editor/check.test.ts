/** experiments.check on a real kernel: problems placed on steps and edges, and the cache prediction after real runs. */
import { afterEach, describe, expect, it } from 'vitest';
import { builtinSkills } from '../../skills';
import { dispatchCall } from '../api/dispatch';
import { Kernel } from '../api/kernel';
import type { ExperimentCheck } from '../common/contract-editor';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment } from '../plan/load-experiment';

const kernels: Kernel[] = [];
function kernel(targetsYaml?: string): Kernel {
  const home = mkdtempSync(join(tmpdir(), 'sgr-check-'));
  if (targetsYaml !== undefined) writeFileSync(join(home, 'targets.yaml'), targetsYaml);
  const k = Kernel.open({ home, skills: builtinSkills });
  kernels.push(k);
  return k;
}
afterEach(async () => {
  for (const k of kernels.splice(0)) await k.close();
});

async function check(k: Kernel, text: string, path?: string): Promise<ExperimentCheck> {
  const r = await dispatchCall(k, 'experiments.check', { text, ...(path && { path }) });
  if (!r.ok) throw new Error(r.error.message);
  return r.value as ExperimentCheck;
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('experiments.check problems', () => {
  it('marks every edge of a cycle, with the field that makes the edge', async () => {
    const c = await check(kernel(), lines(
      'name: cyc',
      'steps:',
      '  a:',
      '    skill: noop',
      '    deps: [b]',
      '  b:',
      '    skill: concat',
      '    params: { parts: ["${steps.a.outputs.file}"] }',
    ));
    expect(c.ok).toBe(false);
    const cycle = c.problems.filter((p) => p.message.startsWith('dependency cycle'));
    expect(cycle.map((p) => [p.stepId, p.depId, p.field, p.line])).toEqual([
      ['a', 'b', 'deps.0', 5],
      ['b', 'a', 'params.parts.0', 8],
    ]);
    // The file still loads: its steps are listed, and a cycle makes their cache unknowable.
    expect(c.steps.map((s) => [s.id, s.cache])).toEqual([['a', 'unknown'], ['b', 'unknown']]);
  });

  it('puts a dangling reference on the edge to the missing step and a bad param on its field', async () => {
    const c = await check(kernel(), lines(
      'name: bad',
      'steps:',
      '  gen:',
      '    skill: shell',
      '    params: { command: "" }',
      '  use:',
      '    skill: concat',
      '    params: { parts: ["${steps.genn.outputs.file}"] }',
      '    deps: [ghost]',
    ));
    expect(c.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ stepId: 'gen', field: 'params.command', depId: null, line: 5, col: 24, message: 'the command is empty' }),
      expect.objectContaining({ stepId: 'use', field: 'params.parts.0', depId: 'genn', line: 8, message: expect.stringMatching(/references unknown step "genn" — did you mean "gen"\?/) }),
      expect.objectContaining({ stepId: 'use', field: 'deps.0', depId: 'ghost', line: 9, message: 'depends on unknown step "ghost"' }),
    ]));
    expect(c.problems).toHaveLength(3);
  });

  it('reports a sweep template problem once, on <sweep>.<step>, not once per copy', async () => {
    const c = await check(kernel(), lines(
      'version: 2',
      'name: sw',
      'sweeps:',
      '  rank:',
      '    grid: { r: [1, 2, 3] }',
      '    seeds: [1, 2]',
      '    steps:',
      '      train:',
      '        skill: shell',
      '        params: { command: "", env: { R: "r${trial.r}" } }',
    ));
    expect(c.problems).toEqual([expect.objectContaining({ stepId: 'rank.train', field: 'params.command', depId: null, line: 10, message: 'the command is empty' })]);
    expect(c.steps).toHaveLength(6);
    expect(c.steps[0]).toMatchObject({ id: 'rank-c0-s1-train', source: 'rank.train' });
    expect(c.sweeps).toEqual([{ name: 'rank', protocol: 'grid', trials: 6 }]);
  });

  it('maps loader problems (schema, template references) to the step as written', async () => {
    const k = kernel();
    const schema = await check(k, lines('name: x', 'steps:', '  a: { skil: noop }'));
    expect(schema.ok).toBe(false);
    expect(schema.steps).toEqual([]);
    expect(schema.problems).toEqual([
      expect.objectContaining({ stepId: 'a', field: '', line: 3, message: 'missing required key "skill"', hint: expect.any(String) }),
      expect.objectContaining({ stepId: 'a', field: 'skil', line: 3, message: 'unknown key "skil"', hint: 'did you mean "skill"?' }),
    ]);
    const template = await check(k, lines(
      'version: 2',
      'name: sw',
      'sweeps:',
      '  s:',
      '    grid: { r: [1, 2] }',
      '    steps:',
      '      t: { skill: const, params: { values: { x: "${trial.nope}" } } }',
    ));
    expect(template.problems).toEqual([expect.objectContaining({ stepId: 's.t', field: 'params.values.x', line: 7, message: 'unknown trial value "${trial.nope}"' })]);
  });
});

describe('experiments.check on the shipped examples', () => {
  it('names the undeclared targets of the remote example on a home without targets.yaml', async () => {
    const { repoRoot, readExperimentFile } = await import('./files');
    const path = join(repoRoot(), 'examples', 'remote', 'experiment.yaml');
    const c = await check(kernel(), readExperimentFile(path).text, path);
    expect(c.problems.map((p) => `${p.stepId} ${p.message}`).sort()).toEqual([
      expect.stringMatching(/^check unknown target "box"/),
      expect.stringMatching(/^shard_1 unknown target "box"/),
      expect.stringMatching(/^shard_2 unknown target "gpu1"/),
      expect.stringMatching(/^shard_3 unknown target "cluster"/),
    ]);
  });

  it('finds no problem in any example and names every generated step after its sweep', async () => {
    const { listExamples, readExperimentFile, repoRoot } = await import('./files');
    // examples/remote names docker, ssh and slurm targets: declared as its targets.example.yaml says.
    const k = kernel(readFileSync(join(repoRoot(), 'examples', 'remote', 'targets.example.yaml'), 'utf8'));
    for (const e of listExamples()) {
      const c = await check(k, readExperimentFile(e.path).text, e.path);
      expect(c.problems, e.path).toEqual([]);
      expect(c.steps.length).toBeGreaterThan(0);
      for (const s of c.steps) if (s.id !== s.source) expect(s.source, s.id).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+$/);
      expect(c.summary.hits).toBe(0);
    }
  });
});

describe('experiments.check cache prediction', () => {
  const file = (dir: string, rank: number) => lines(
    'name: pred',
    'steps:',
    '  data:',
    '    skill: shell',
    '    params: { command: "echo 1 2 3 > d.txt", outputs: { d: d.txt } }',
    '  cfg:',
    '    skill: const',
    `    params: { values: { rank: ${rank} } }`,
    '  train:',
    '    skill: shell',
    '    params: { command: "cat d.txt > m.txt; echo ${steps.cfg.outputs.rank} >> m.txt", outputs: { m: m.txt } }',
    '    inputs: { d: "${steps.data.outputs.d}" }',
    '  report:',
    '    skill: concat',
    '    params: { parts: ["${steps.train.outputs.m}"] }',
    `# ${dir}`,
  );

  it('is all hits after a real run; editing one param makes that step run and its downstream unknown', async () => {
    const k = kernel();
    const dir = mkdtempSync(join(tmpdir(), 'sgr-pred-'));
    const path = join(dir, 'experiment.yaml');
    const text = file(dir, 8);
    writeFileSync(path, text);
    const before = await check(k, text, path);
    expect(before.ok).toBe(true);
    expect(before.steps.map((s) => [s.id, s.cache])).toEqual([['data', 'run'], ['cfg', 'run'], ['train', 'unknown'], ['report', 'unknown']]);

    const loaded = parseExperiment(text, path);
    const runId = k.createRun(loaded.plan, { experimentFile: path, experimentText: text });
    expect(await k.execute(runId)).toBe('COMPLETED');

    const after = await check(k, text, path);
    expect(after.steps.map((s) => s.cache)).toEqual(['hit', 'hit', 'hit', 'hit']);
    expect(after.summary).toEqual({ steps: 4, hits: 4, willRun: 0, unknown: 0 });

    const edited = await check(k, file(dir, 16), path);
    expect(edited.steps.map((s) => [s.id, s.cache])).toEqual([['data', 'hit'], ['cfg', 'run'], ['train', 'unknown'], ['report', 'unknown']]);
    expect(edited.summary).toEqual({ steps: 4, hits: 1, willRun: 1, unknown: 2 });

    // The prediction is right: a run of the edited file hits exactly where it said.
    const run2 = k.createRun(parseExperiment(file(dir, 16), path).plan);
    expect(await k.execute(run2)).toBe('COMPLETED');
    expect(Object.fromEntries(k.steps(run2).map((s) => [s.step_id, s.cache_hit]))).toEqual({ data: 1, cfg: 0, train: 0, report: 0 });
  });
});
