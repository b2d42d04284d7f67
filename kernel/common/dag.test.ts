import { describe, expect, it } from 'vitest';
import { descendants, findCycles, topoOrder } from './dag';

const n = (id: string, ...deps: string[]) => ({ id, deps });

describe('dag', () => {
  it('orders dependencies first, ties by id', () => {
    expect(topoOrder([n('d', 'b', 'c'), n('c', 'a'), n('b', 'a'), n('a')])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('names each cycle as a closed path', () => {
    const cycles = findCycles([n('a', 'b'), n('b', 'c'), n('c', 'a'), n('x', 'x'), n('ok')]);
    expect(cycles).toEqual([['a', 'b', 'c', 'a'], ['x', 'x']]);
  });

  it('refuses to order a cyclic graph', () => {
    expect(() => topoOrder([n('a', 'b'), n('b', 'a')])).toThrow(/cycle/);
  });

  it('finds transitive descendants only', () => {
    const nodes = [n('a'), n('b', 'a'), n('c', 'b'), n('d'), n('e', 'd', 'c')];
    expect([...descendants(nodes, 'b')].sort()).toEqual(['c', 'e']);
    expect(descendants(nodes, 'e').size).toBe(0);
  });
});
