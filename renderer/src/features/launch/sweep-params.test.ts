import { describe, expect, it } from 'vitest';
import { leafPaths, paramChoices, schemaPaths, stepParamsInText, valueAt } from './sweep-params';

const TEXT = `version: 2
name: t
steps:
  train:
    skill: python
    params: { code: "print(1)", overrides: { lr: 0.1, rank: 8 }, args: [1, 2] }
sweeps:
  s:
    grid: { rank: [1, 2] }
    steps:
      eval:
        skill: eval
        params: { k: 3 }
`;

describe('sweep params', () => {
  it('lists the dotted leaf paths a step sets, arrays being leaves', () => {
    expect(leafPaths({ a: 1, b: { c: 2, d: { e: 'x' } }, f: [1] })).toEqual(['a', 'b.c', 'b.d.e', 'f']);
    expect(leafPaths(5)).toEqual([]);
  });

  it('finds a step params in the text, top-level or inside a sweep template', () => {
    expect(stepParamsInText(TEXT, 'train')).toEqual({ code: 'print(1)', overrides: { lr: 0.1, rank: 8 }, args: [1, 2] });
    expect(stepParamsInText(TEXT, 's.eval')).toEqual({ k: 3 });
    expect(stepParamsInText(TEXT, 'nope')).toEqual({});
    expect(stepParamsInText('steps: [', 'train')).toEqual({});
  });

  it('offers the params set in the file first, then the skill schema fields not set', () => {
    const schema = { type: 'object', properties: { code: { type: 'string' }, timeout: { type: 'number' }, env: { type: 'object', properties: { seed: { type: 'integer' } } } } };
    expect(schemaPaths(schema)).toEqual(['code', 'timeout', 'env.seed']);
    expect(paramChoices(TEXT, 'train', schema)).toEqual([
      { path: 'code', set: true },
      { path: 'overrides.lr', set: true },
      { path: 'overrides.rank', set: true },
      { path: 'args', set: true },
      { path: 'timeout', set: false },
      { path: 'env.seed', set: false },
    ]);
  });

  it('reads the value at a dotted path', () => {
    expect(valueAt({ a: { b: 2 } }, 'a.b')).toBe(2);
    expect(valueAt({ a: 1 }, 'a.b')).toBeUndefined();
  });
});
