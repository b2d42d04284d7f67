import { describe, expect, it } from 'vitest';
import { ExperimentDoc } from './model/doc';
import { Placement } from './placement';

const FILE = `version: 2
name: t
steps:
  a: { skill: noop }
  b: { skill: noop, deps: [a] }
  c: { skill: noop, deps: [a] }
`;

describe('placement', () => {
  it('lays a file without positions out once; an edit keeps every step where it was', () => {
    const p = new Placement();
    const doc = ExperimentDoc.parse(FILE);
    const first = p.positions(doc.graph(), 1);
    expect(Object.keys(first).sort()).toEqual(['a', 'b', 'c']);
    expect(first.b!.x).toBeGreaterThan(first.a!.x);
    doc.setParam('a', 'x', 1);
    const after = p.positions(doc.graph(), 1);
    // The same objects: the layout was kept, not run again.
    for (const k of ['a', 'b', 'c']) expect(after[k]).toBe(first[k]);
  });

  it('places a step added without a position right of its dependency, below the steps already there, and moves nobody', () => {
    const p = new Placement();
    const doc = ExperimentDoc.parse(FILE);
    const before = p.positions(doc.graph(), 1);
    doc.addStep('noop', { id: 'd' });
    doc.connect('a', 'd', { kind: 'dep' });
    const after = p.positions(doc.graph(), 1);
    for (const k of ['a', 'b', 'c']) expect(after[k]).toEqual(before[k]);
    const d = after.d!;
    expect(d.x).toBeGreaterThan(before.a!.x);
    for (const k of ['b', 'c']) expect(Math.abs(after[k]!.y - d.y) >= 64 || Math.abs(after[k]!.x - d.x) >= 200).toBe(true);
  });

  it('prefers saved positions, and starts over for another opened file', () => {
    const p = new Placement();
    const doc = ExperimentDoc.parse(FILE);
    const first = p.positions(doc.graph(), 1);
    doc.setPositions({ b: { x: 900, y: 900 } });
    const saved = p.positions(doc.graph(), 1);
    expect(saved.b).toEqual({ x: 900, y: 900 });
    expect(saved.a).toBe(first.a);
    const other = p.positions(ExperimentDoc.parse(FILE).graph(), 2);
    expect(other.a).not.toBe(first.a);
    expect(other.a).toEqual(first.a);
  });

  it('keeps a renamed step where it was', () => {
    const p = new Placement();
    const doc = ExperimentDoc.parse(FILE);
    const before = p.positions(doc.graph(), 1);
    doc.renameStep('b', 'bee');
    const after = p.positions(doc.graph(), 1);
    expect(after.bee).toEqual(before.b);
    expect(after.c).toBe(before.c);
  });
});
