import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical';
import { findRefs, hydrate, lookupOutput } from './refs';

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

describe('lookupOutput (nested output references)', () => {
  const outputs = { trials: [{ rank: 3 }, { rank: 1, tags: ['x'] }], 'model.bin': 'M', 'a.b': { c: null }, n: 5 };
  it('takes a whole key first, then walks objects and arrays', () => {
    expect(lookupOutput(outputs, 'model.bin')).toEqual({ found: true, value: 'M' });
    expect(lookupOutput(outputs, 'trials.1.rank')).toEqual({ found: true, value: 1 });
    expect(lookupOutput(outputs, 'trials.1.tags.0')).toEqual({ found: true, value: 'x' });
    expect(lookupOutput(outputs, 'a.b.c')).toEqual({ found: true, value: null });
  });
  it('names the segment where the walk stopped', () => {
    expect(lookupOutput(outputs, 'trials.5.rank')).toEqual({ found: false, missing: '5', under: 'trials' });
    expect(lookupOutput(outputs, 'trials.x')).toEqual({ found: false, missing: 'x', under: 'trials' });
    expect(lookupOutput(outputs, 'trials.0.rank.deep')).toEqual({ found: false, missing: 'deep', under: 'trials.0.rank' });
    expect(lookupOutput(outputs, 'n.0')).toEqual({ found: false, missing: '0', under: 'n' });
    expect(lookupOutput(outputs, 'nope')).toEqual({ found: false, missing: 'nope', under: '' });
  });
  it('does not walk into the prototype', () => {
    expect(lookupOutput(outputs, 'trials.length').found).toBe(false);
    expect(lookupOutput(outputs, 'n.constructor').found).toBe(false);
    expect(lookupOutput(outputs, 'toString').found).toBe(false);
  });
});
