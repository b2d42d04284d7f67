import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../common/plan';
import { ExperimentError, parseExperiment } from './load-experiment';

const load = (text: string) => parseExperiment(text, 'experiment.yaml');
const byId = (steps: PlanStep[]) => new Map(steps.map((s) => [s.id, s]));

function problemsOf(text: string): string[] {
  try {
    load(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ExperimentError);
    return (err as ExperimentError).problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}${p.hint ? ` | ${p.hint}` : ''}`);
  }
  throw new Error('expected the experiment to be refused');
}

const TEMPLATE = `
    steps:
      train:
        skill: train
        params: { rank: "\${trial.rank}", config: "\${trial.params}", name: "r\${trial.rank}-\${trial.label}" }
        inputs: { data: "\${steps.data.outputs.train}" }
      eval:
        skill: eval
        inputs: { adapter: "\${steps.train.outputs.adapter}", data: "\${steps.data.outputs.val}" }
`;

const GRID = `version: 2
name: ablation
steps:
  data: { skill: dataset }
sweeps:
  rank:
    grid: { rank: [8, 16, 32] }
    seeds: [1, 2]
    params: { lr: 0.01 }
    objective: { metric: eval.exact_match, direction: maximize }
    select: { tieTolerance: 0.01 }
${TEMPLATE}`;

describe('expansion: grid × seeds with select', () => {
  const { plan, trials } = load(GRID);
  const steps = byId(plan.steps);

  it('creates one copy of the template per configuration and seed, then select and report', () => {
    expect(plan.steps).toHaveLength(1 + 3 * 2 * 2 + 2);
    expect(plan.steps.slice(0, 5).map((s) => s.id)).toEqual(['data', 'rank-c0-s1-train', 'rank-c0-s1-eval', 'rank-c0-s2-train', 'rank-c0-s2-eval']);
    expect(plan.steps.slice(-2).map((s) => s.id)).toEqual(['rank-select', 'rank-report']);
    expect(trials.map((t) => `${t.config}/${t.seed}`)).toEqual(['c0/1', 'c0/2', 'c1/1', 'c1/2', 'c2/1', 'c2/2']);
  });

  it('substitutes trial values with their types, whole params, and text inside strings', () => {
    const train = steps.get('rank-c1-s2-train')!;
    expect(train.params).toEqual({ rank: 16, config: { lr: 0.01, rank: 16, seed: 2 }, name: 'r16-c1-s2' });
  });

  it('points template references at the same trial and leaves fixed steps alone', () => {
    const evalStep = steps.get('rank-c2-s1-eval')!;
    expect(evalStep.inputs).toEqual({ adapter: '${steps.rank-c2-s1-train.outputs.adapter}', data: '${steps.data.outputs.val}' });
  });

  it('feeds every trial to select, which runs even when some fail', () => {
    const select = steps.get('rank-select')!;
    expect(select.skill).toBe('select');
    expect(select.trigger).toBe('all_done');
    expect(select.params).toEqual({ metric: 'eval.exact_match', direction: 'maximize', tieTolerance: 0.01 });
    const entries = select.inputs.trials as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(6);
    expect(entries[3]).toEqual({ config: 'c1', params: { lr: 0.01, rank: 16 }, seed: 2, value: '${steps.rank-c1-s2-eval.outputs.exact_match}', step: 'rank-c1-s2-eval' });
    const report = steps.get('rank-report')!;
    expect(report.inputs.selection).toBe('${steps.rank-select.outputs.selection}');
  });

  it('maps a problem in a copy back to the template in the file', () => {
    const loaded = load(GRID);
    const pos = loaded.locate('rank-c1-s1-eval', 'inputs.adapter');
    expect(pos.line).toBe(GRID.split('\n').findIndex((l) => l.includes('adapter:')) + 1);
  });
});

describe('expansion: random', () => {
  const text = `version: 2
name: r
sweeps:
  rnd:
    random:
      n: 5
      seed: 3
      space:
        lr: { type: loguniform, low: 0.0001, high: 0.1 }
        rank: { type: choice, values: [4, 8, 16] }
    steps:
      train: { skill: noop, params: { lr: "\${trial.lr}", rank: "\${trial.rank}" } }
`;
  it('draws n configurations inside the space, the same ones on every load', () => {
    const a = load(text).plan.steps;
    expect(a.map((s) => s.id)).toEqual(['rnd-c0-train', 'rnd-c1-train', 'rnd-c2-train', 'rnd-c3-train', 'rnd-c4-train']);
    for (const s of a) {
      expect(s.params.lr).toBeGreaterThanOrEqual(0.0001);
      expect(s.params.lr).toBeLessThanOrEqual(0.1);
      expect([4, 8, 16]).toContain(s.params.rank);
    }
    expect(load(text).plan.steps).toEqual(a);
    expect(new Set(a.map((s) => s.params.lr)).size).toBe(5);
    expect(load(text.replace('seed: 3', 'seed: 4')).plan.steps[0]!.params.lr).not.toBe(a[0]!.params.lr);
  });
});

describe('expansion: tpe in batches', () => {
  const text = `version: 2
name: t
sweeps:
  hpo:
    tpe:
      trials: 5
      batch: 2
      seed: 7
      space: { lr: { type: loguniform, low: 0.0001, high: 0.1 } }
      pruner: { type: asha, minResource: 25, reductionFactor: 3, maxStep: 150, evalEvery: 25 }
    objective: { metric: eval.loss, direction: minimize }
    steps:
      train: { skill: train, params: { lr: "\${trial.lr}", prune: "\${trial.prune}" } }
      eval: { skill: eval, inputs: { adapter: "\${steps.train.outputs.adapter}" } }
`;
  const { plan } = load(text);
  const steps = byId(plan.steps);

  it('has a suggest step per batch and trials whose params reference it', () => {
    expect(plan.steps.filter((s) => s.skill === 'hpo-suggest').map((s) => s.id)).toEqual(['hpo-suggest-0', 'hpo-suggest-1', 'hpo-suggest-2']);
    expect(steps.get('hpo-t3-train')!.params).toEqual({ lr: '${steps.hpo-suggest-1.outputs.trials.1.lr}', prune: '${steps.hpo-suggest-1.outputs.prune}' });
    expect(steps.get('hpo-t4-train')!.params.lr).toBe('${steps.hpo-suggest-2.outputs.trials.0.lr}');
  });

  it('gives each batch the results of every earlier trial, and tolerates failed ones', () => {
    const s2 = steps.get('hpo-suggest-2')!;
    expect(s2.trigger).toBe('all_done');
    expect(s2.params).toMatchObject({ n: 1, batch: 2, seed: 7, direction: 'minimize', sampler: 'tpe', maxStep: 150, evalEvery: 25 });
    const history = s2.inputs.history as Array<Record<string, unknown>>;
    expect(history).toHaveLength(4);
    expect(history[2]).toEqual({
      params: { lr: '${steps.hpo-suggest-1.outputs.trials.0.lr}' },
      value: '${steps.hpo-t2-eval.outputs.loss}',
      pruned: '${steps.hpo-t2-train.outputs.pruned}',
      curve: '${steps.hpo-t2-train.outputs.curve}',
    });
    expect(steps.get('hpo-suggest-0')!.inputs.history).toEqual([]);
  });
});

describe('expansion: curriculum', () => {
  const text = `version: 2
name: c
sweeps:
  cur:
    curriculum:
      - { name: easy, difficulty: [1] }
      - { name: medium, difficulty: [1, 2] }
      - { name: hard, difficulty: [1, 2, 3] }
    steps:
      train: { skill: train, params: { difficulty: "\${trial.difficulty}" }, inputs: { init: "\${prev.steps.train.outputs.adapter}" } }
      eval: { skill: eval, inputs: { adapter: "\${steps.train.outputs.adapter}" } }
`;
  const steps = byId(load(text).plan.steps);
  it('chains stages: each resumes from the previous stage and waits for it', () => {
    expect(steps.get('cur-easy-train')!.inputs.init).toBeNull();
    expect(steps.get('cur-medium-train')!.inputs.init).toBe('${steps.cur-easy-train.outputs.adapter}');
    expect(steps.get('cur-hard-train')!.params.difficulty).toEqual([1, 2, 3]);
    expect(steps.get('cur-hard-train')!.deps).toContain('cur-medium-eval');
    expect(steps.get('cur-easy-train')!.deps).toEqual([]);
  });
});

describe('expansion: ensemble', () => {
  const text = `version: 2
name: e
sweeps:
  ens:
    ensemble:
      members: 3
      vary: { dropout: [0.0, 0.1] }
      aggregate: { skill: concat, inputs: { parts: "\${members.steps.eval.outputs.loss}" } }
    steps:
      train: { skill: train, params: { seed: "\${trial.seed}", dropout: "\${trial.dropout}" } }
      eval: { skill: eval, inputs: { adapter: "\${steps.train.outputs.adapter}" } }
`;
  const steps = byId(load(text).plan.steps);
  it('creates diverse members and one aggregation step over all of them', () => {
    expect([0, 1, 2].map((i) => steps.get(`ens-m${i}-train`)!.params)).toEqual([
      { seed: 1, dropout: 0 },
      { seed: 2, dropout: 0.1 },
      { seed: 3, dropout: 0 },
    ]);
    expect(steps.get('ens-aggregate')!.inputs.parts).toEqual(['${steps.ens-m0-eval.outputs.loss}', '${steps.ens-m1-eval.outputs.loss}', '${steps.ens-m2-eval.outputs.loss}']);
  });
});

describe('expansion: problems point into the file', () => {
  it('names an unknown trial value and lists the known ones', () => {
    const text = `version: 2
name: x
sweeps:
  s:
    grid: { rank: [1, 2] }
    steps:
      a: { skill: noop, params: { r: "\${trial.rnak}" } }
`;
    expect(problemsOf(text)).toEqual([
      '7:38 sweeps.s.steps.a.params.r: unknown trial value "${trial.rnak}" | this sweep\'s trials have: trial.rank, trial.params, trial.seed, trial.index, trial.config, trial.label, trial.prune',
    ]);
  });

  it('refuses a sweep with two kinds, tpe without objective, select on an ensemble, an unknown metric step', () => {
    const base = `version: 2\nname: x\nsweeps:\n  s:\n`;
    const steps = `    steps: { a: { skill: noop } }\n`;
    expect(problemsOf(`${base}    grid: { r: [1] }\n    random: { n: 1, space: { r: { type: int, low: 1, high: 2 } } }\n${steps}`)[0]).toMatch(/exactly one of grid, random, tpe, curriculum, ensemble; this one has grid and random/);
    expect(problemsOf(`${base}    tpe: { trials: 2, space: { r: { type: int, low: 1, high: 2 } } }\n${steps}`)[0]).toMatch(/tpe needs an objective/);
    expect(problemsOf(`${base}    ensemble: { members: 2, aggregate: { skill: noop } }\n    objective: { metric: a.x, direction: minimize }\n    select: true\n${steps}`)[0]).toMatch(/select compares configurations; a ensemble/);
    expect(problemsOf(`${base}    grid: { r: [1] }\n    objective: { metric: b.x, direction: minimize }\n${steps}`)).toEqual([
      '6:26 sweeps.s.objective.metric: "b.x": the template has no step "b" | template steps: a',
    ]);
  });

  it('refuses a copy whose id clashes with a fixed step', () => {
    const text = `version: 2\nname: x\nsteps:\n  s-c0-a: { skill: noop }\nsweeps:\n  s:\n    grid: { r: [1] }\n    steps: { a: { skill: noop } }\n`;
    expect(problemsOf(text)[0]).toMatch(/creates step "s-c0-a", which already exists \(steps.s-c0-a\)/);
  });
});
