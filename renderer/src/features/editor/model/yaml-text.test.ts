import { describe, expect, it } from 'vitest';
import { parseYaml, prependRootKey, renameKey, replaceMany, setIn } from './yaml-text';

const SRC = `# top
a: 1     # aligned comment
b:
  list:
    - x   # first
    - y
  flow: { p: 1, q: "\${steps.s.outputs.o}" }
  text: |
    line one
    line two
c: 'single'
`;

describe('yaml-text edits', () => {
  it('replaces a scalar in place, keeping its comment column and quote style', () => {
    expect(setIn(SRC, ['a'], 2)).toBe(SRC.replace('a: 1     #', 'a: 2     #'));
    expect(setIn(SRC, ['c'], 'other')).toBe(SRC.replace("c: 'single'", "c: 'other'"));
    expect(setIn(SRC, ['b', 'list', 0], 'z')).toBe(SRC.replace('- x   # first', '- z   # first'));
  });

  it('appends to a block list by re-rendering only that pair; removes a list item with its line', () => {
    const out = setIn(SRC, ['b', 'list', 2], 'w');
    expect(parseYaml(out).toJS().b.list).toEqual(['x', 'y', 'w']);
    expect(out.split('\n').filter((l) => !SRC.split('\n').includes(l))).toEqual(['    - w']);
    expect(setIn(SRC, ['b', 'list', 1], undefined)).toBe(SRC.replace('    - y\n', ''));
  });

  it('re-renders a flow map on its one line, quoting references', () => {
    expect(setIn(SRC, ['b', 'flow', 'r'], '${steps.t.outputs.o}')).toBe(SRC.replace('q: "${steps.s.outputs.o}" }', 'q: "${steps.s.outputs.o}", r: "${steps.t.outputs.o}" }'));
    expect(setIn(SRC, ['b', 'flow', 'p'], undefined)).toBe(SRC.replace('{ p: 1, q:', '{ q:'));
  });

  it('a multi-line string replaces its pair as a block scalar', () => {
    const out = setIn(SRC, ['b', 'text'], 'new one\nnew two\n');
    expect(parseYaml(out).toJS().b.text).toBe('new one\nnew two\n');
    expect(out).toContain('# top\na: 1     # aligned comment');
  });

  it('removing the last entry of a map leaves {} so the key keeps its type', () => {
    const out = setIn('m:\n  only: 1\nz: 2\n', ['m', 'only'], undefined);
    expect(out).toBe('m: {}\nz: 2\n');
  });

  it('creates missing maps as block lines with small values in flow style', () => {
    expect(setIn('a: 1\n', ['x', 'y', 'z'], { k: [1, 2] })).toBe('a: 1\nx:\n  y:\n    z: { k: [1, 2] }\n');
  });

  it('renames a key, replaces many values in one pass, and prepends a root key after leading comments', () => {
    expect(renameKey(SRC, ['b', 'flow'], 'flows')).toBe(SRC.replace('  flow: {', '  flows: {'));
    const pos = 'p:\n  a: [1, 2]   # keep\n  b: [3, 4]\n';
    expect(replaceMany(pos, [{ path: ['p', 'a'], value: [5, 6] }, { path: ['p', 'b'], value: [7, 8] }])).toBe('p:\n  a: [5, 6]   # keep\n  b: [7, 8]\n');
    expect(replaceMany(pos, [{ path: ['p', 'c'], value: [0, 0] }])).toBeNull();
    expect(prependRootKey('# c\nname: x\n', 'version', 2)).toBe('# c\nversion: 2\nname: x\n');
  });
});
