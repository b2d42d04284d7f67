import { describe, expect, it } from 'vitest';
import type { ExperimentCheck } from '../../../../kernel/common/contract-editor';
import { annotate, pairEdges } from './annotate';
import type { EditorEdge } from './model/types';

const problem = (stepId: string | null, depId: string | null, message = 'x') => ({ stepId, field: depId ? 'deps.0' : '', depId, line: 1, col: 1, message, hint: null });

function check(over: Partial<ExperimentCheck>): ExperimentCheck {
  return { ok: true, problems: [], steps: [], sweeps: [], summary: { steps: 0, hits: 0, willRun: 0, unknown: 0 }, ...over };
}

describe('annotate', () => {
  it('puts a cycle on both of its edges and steps, and unknown-step problems on the file', () => {
    const a = annotate(['a', 'b'], check({ ok: false, problems: [problem('b', 'a', 'cycle'), problem('a', 'b', 'cycle'), problem('zz', null), problem(null, null)] }));
    expect([...a.edges.keys()].sort()).toEqual(['a->b', 'b->a']);
    expect(a.nodes.get('a')?.map((p) => p.message)).toEqual(['cycle']);
    expect(a.nodes.get('b')?.length).toBe(1);
    expect(a.file.map((p) => p.stepId)).toEqual(['zz', null]);
  });

  it('gives each step of the file one cache verdict over its trial copies', () => {
    const step = (id: string, source: string, cache: 'hit' | 'run' | 'unknown') => ({ id, skill: 's', source, deps: [], cache });
    const a = annotate(['data', 'rank.train'], check({ steps: [step('data', 'data', 'hit'), step('t1', 'rank.train', 'hit'), step('t2', 'rank.train', 'run')] }));
    expect(a.cache.get('data')).toEqual({ verdict: 'hit', hits: 1, total: 1 });
    expect(a.cache.get('rank.train')).toEqual({ verdict: 'mixed', hits: 1, total: 2 });
  });

  it('is empty without a check', () => {
    const a = annotate(['a'], null);
    expect(a.nodes.size + a.edges.size + a.cache.size + a.file.length).toBe(0);
  });
});

describe('pairEdges', () => {
  it('draws one edge per source → target whatever the number of fields', () => {
    const e = (field: string, kind: 'dep' | 'ref'): EditorEdge => ({ id: `a->b:${field}`, source: 'a', target: 'b', kind, field, output: kind === 'ref' ? 'out' : null });
    const pairs = pairEdges([e('deps.0', 'dep'), e('inputs.x', 'ref'), { ...e('deps.0', 'dep'), id: 'b->c:deps.0', source: 'b', target: 'c' }]);
    expect(pairs.map((p) => [p.key, p.edges.length])).toEqual([
      ['a->b', 2],
      ['b->c', 1],
    ]);
  });
});
