import { describe, expect, it } from 'vitest';
import { layoutDag, longestPathLayers } from './dag-layout';

describe('DAG layering', () => {
  it('puts each step one layer after its deepest dependency', () => {
    const layers = longestPathLayers([
      { id: 'prep', deps: [] },
      { id: 'a', deps: ['prep'] },
      { id: 'b', deps: ['prep'] },
      { id: 'deep', deps: ['a'] },
      { id: 'report', deps: ['deep', 'b', 'prep'] },
    ]);
    expect(Object.fromEntries(layers)).toEqual({ prep: 0, a: 1, b: 1, deep: 2, report: 3 });
  });
  it('ignores unknown deps and survives a cycle', () => {
    const layers = longestPathLayers([
      { id: 'x', deps: ['missing', 'y'] },
      { id: 'y', deps: ['x'] },
    ]);
    expect(layers.size).toBe(2);
  });
  it('places layers left to right, no two nodes on one spot, fan-out centred', () => {
    const nodes = [
      { id: 'src', deps: [] },
      ...['t1', 't2', 't3'].map((id) => ({ id, deps: ['src'] })),
      { id: 'sink', deps: ['t1', 't2', 't3'] },
    ];
    const placed = layoutDag(nodes, { x: 100, y: 10 });
    const at = Object.fromEntries(placed.map((p) => [p.id, p]));
    expect(at.src?.x).toBe(0);
    expect(at.t2?.x).toBe(100);
    expect(at.sink?.x).toBe(200);
    expect(new Set(placed.map((p) => `${p.x},${p.y}`)).size).toBe(placed.length);
    expect(at.src?.y).toBe(at.t2?.y);
    expect(at.sink?.y).toBe(at.t2?.y);
  });
  it('orders a layer by the position of its dependencies', () => {
    const placed = layoutDag([
      { id: 'a', deps: [] },
      { id: 'b', deps: [] },
      { id: 'zb', deps: ['b'] },
      { id: 'za', deps: ['a'] },
    ]);
    const at = Object.fromEntries(placed.map((p) => [p.id, p]));
    expect((at.za?.y ?? 0) < (at.zb?.y ?? 0)).toBe(true);
  });
});
