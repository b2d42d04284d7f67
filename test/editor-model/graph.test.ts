import { describe, expect, it } from 'vitest';
import { ExperimentDoc } from '../../renderer/src/features/editor/model/doc';
import { examples } from './support';

const graphOf = (name: string) => ExperimentDoc.parse(examples().find((e) => e.name === name)!.text).graph();
const ids = (g: ReturnType<typeof graphOf>) => g.edges.map((e) => e.id);

describe('graph()', () => {
  it('fanout: steps in file order, ref edges with field and output', () => {
    const g = graphOf('fanout/experiment.yaml');
    expect(g).toMatchObject({ name: 'fanout-demo', sweeps: [], positions: {}, syntaxErrors: [] });
    expect(g.steps.map((s) => s.key)).toEqual(['generate', 'shard_0', 'shard_1', 'shard_2', 'merge', 'summary']);
    expect(g.steps[0]).toMatchObject({ id: 'generate', sweep: null, skill: 'shell', description: '3000 pseudo-random integers, one per line.', target: null, deps: [] });
    expect(g.edges).toContainEqual({ id: 'shard_1->merge:params.parts.1', source: 'shard_1', target: 'merge', kind: 'ref', field: 'params.parts.1', output: 'stats' });
    expect(g.edges).toHaveLength(7);
  });

  it('a sweep template: its steps are <sweep>.<id>; ${steps.X} means the sibling when there is one, else the top-level step', () => {
    const g = graphOf('lora-rank-ablation.yaml');
    expect(g.sweeps).toEqual([
      expect.objectContaining({ name: 'rank', protocol: 'grid', steps: ['rank.config', 'rank.train', 'rank.eval'], spec: expect.objectContaining({ grid: { rank: [8, 16, 32] }, seeds: [1, 2] }) }),
    ]);
    expect(g.sweeps[0]!.spec).not.toHaveProperty('steps');
    expect(ids(g)).toEqual(expect.arrayContaining(['rank.config->rank.train:params.config', 'pretrain->rank.train:inputs.base', 'data->rank.eval:inputs.data', 'rank.train->rank.eval:inputs.adapter']));
    expect(g.steps.find((s) => s.key === 'rank.train')).toMatchObject({ id: 'train', sweep: 'rank', skill: 'train' });
  });

  it('curriculum: ${prev.steps.train} is an edge from the template step (here onto itself)', () => {
    const g = graphOf('curriculum.yaml');
    expect(g.sweeps[0]!.protocol).toBe('curriculum');
    expect(g.edges).toContainEqual({ id: 'stages.train->stages.train:inputs.init', source: 'stages.train', target: 'stages.train', kind: 'ref', field: 'inputs.init', output: 'adapter' });
  });

  it('ensemble: the aggregate step is <sweep>.aggregate and ${members.steps.train} feeds it', () => {
    const g = graphOf('ensemble.yaml');
    expect(g.sweeps[0]).toMatchObject({ name: 'ens', protocol: 'ensemble', steps: ['ens.config', 'ens.train', 'ens.eval', 'ens.aggregate'] });
    expect(ids(g)).toEqual(expect.arrayContaining(['ens.train->ens.aggregate:inputs.adapters', 'base_config->ens.aggregate:params.config', 'data->ens.aggregate:inputs.data']));
  });

  it('tpe: protocol is the search kind even though other keys come first in some files', () => {
    expect(graphOf('tpe-search.yaml').sweeps[0]!.protocol).toBe('tpe');
    const d = ExperimentDoc.parse('version: 2\nname: x\nsweeps:\n  s:\n    seeds: [1]\n    random: { n: 2, space: { a: { type: uniform, low: 0, high: 1 } } }\n    steps: { a: { skill: noop } }\n');
    expect(d.graph().sweeps[0]!.protocol).toBe('random');
  });

  it('positions come from metadata.editor.positions; malformed entries are ignored', () => {
    const d = ExperimentDoc.parse('name: x\nsteps:\n  a: { skill: noop }\n  b: { skill: noop }\nmetadata:\n  editor:\n    positions: { a: [10, 20], b: oops }\n');
    expect(d.graph().positions).toEqual({ a: { x: 10, y: 20 } });
  });

  it('deps to unknown steps and $${ escapes make no edges', () => {
    const d = ExperimentDoc.parse('name: x\nsteps:\n  a: { skill: noop }\n  b: { skill: noop, deps: [a, ghost], params: { t: "$${steps.a.outputs.x}" } }\n');
    expect(ids(d.graph() as never)).toEqual(['a->b:deps.0']);
  });
});
