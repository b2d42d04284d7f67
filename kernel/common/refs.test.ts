import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical';
import { findRefs, hydrate } from './refs';

describe('references', () => {
  it('finds references at any depth with their paths', () => {
    const { refs, problems } = findRefs({ cmd: 'cat ${steps.a.outputs.f} ${steps.b.outputs.g}', list: [{ x: '${steps.c.outputs.h}' }] }, 'params');
    expect(problems).toEqual([]);
    expect(refs).toEqual([
      { stepId: 'a', output: 'f', path: 'params.cmd' },
      { stepId: 'b', output: 'g', path: 'params.cmd' },
      { stepId: 'c', output: 'h', path: 'params.list.0.x' },
    ]);
  });

  it('reports malformed references and honours $${ escapes', () => {
    const { refs, problems } = findRefs({ a: '${step.a.outputs.f}', b: 'echo $${HOME}' }, 'params');
    expect(refs).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('params.a');
    expect(problems[0]?.message).toMatch(/cannot understand reference "\$\{step\.a\.outputs\.f\}"/);
  });

  it('keeps the type of whole-string references and interpolates embedded ones', () => {
    const out = hydrate(
      { n: '${steps.a.outputs.n}', s: 'n=${steps.a.outputs.n}, o=${steps.a.outputs.o}', lit: 'cost $${x}' },
      (r) => ({ n: 42, o: { k: 1 } })[r.output as 'n' | 'o'],
    );
    expect(out).toEqual({ n: 42, s: 'n=42, o={"k":1}', lit: 'cost ${x}' });
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: undefined, e: 4 }] })).toBe('{"a":[2,{"d":3,"e":4}],"b":1}');
  });
  it('rejects values JSON cannot represent faithfully', () => {
    expect(() => canonicalJson({ x: NaN })).toThrow(/NaN/);
  });
});
