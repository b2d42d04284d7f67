import { describe, expect, it } from 'vitest';
import { ExperimentDoc } from '../../renderer/src/features/editor/model/doc';
import { autoLayout } from '../../renderer/src/features/editor/model/layout';
import { bigExperiment } from '../../bench/editor-gen';
import { examples } from './support';
import type { EditorGraph, Position } from '../../renderer/src/features/editor/model/types';

function checkLayout(g: EditorGraph, pos: Record<string, Position>): void {
  expect(Object.keys(pos).sort()).toEqual(g.steps.map((s) => s.key).sort());
  expect(new Set(Object.values(pos).map((p) => `${p.x},${p.y}`)).size).toBe(g.steps.length);
  for (const e of g.edges) if (e.source !== e.target) expect(pos[e.source]!.x, e.id).toBeLessThan(pos[e.target]!.x);
}

describe('autoLayout', () => {
  it.each(examples().map((e) => [e.name, e.text]))('%s: every step placed once, edges left to right, template steps grouped', (_name, text) => {
    const g = ExperimentDoc.parse(text).graph();
    const pos = autoLayout(g);
    checkLayout(g, pos);
    for (const sw of g.sweeps) {
      // The sweep's box (its steps' bounding box) holds no step from outside the sweep.
      const inside = sw.steps.map((k) => pos[k]!);
      const box = { x0: Math.min(...inside.map((p) => p.x)), x1: Math.max(...inside.map((p) => p.x)), y0: Math.min(...inside.map((p) => p.y)), y1: Math.max(...inside.map((p) => p.y)) };
      const intruders = g.steps.filter((s) => s.sweep !== sw.name && pos[s.key]!.x >= box.x0 && pos[s.key]!.x <= box.x1 && pos[s.key]!.y >= box.y0 && pos[s.key]!.y <= box.y1);
      expect(intruders.map((s) => s.key)).toEqual([]);
    }
  });

  it('lays out a 1,000-step fan-out/fan-in DAG: distinct positions, every edge left to right, written back in one pass', () => {
    const d = ExperimentDoc.parse(bigExperiment(1000));
    const g = d.graph();
    expect(g.steps).toHaveLength(1000);
    expect(g.edges.length).toBeGreaterThan(1800);
    const pos = autoLayout(g);
    checkLayout(g, pos);
    d.setPositions(pos);
    expect(d.graph().positions).toEqual(pos);
    // Moving everything again rewrites values in place (no new lines).
    const before = d.toString().split('\n').length;
    d.setPositions(Object.fromEntries(Object.entries(pos).map(([k, p]) => [k, { x: p.x + 1, y: p.y }])));
    expect(d.toString().split('\n').length).toBe(before);
    expect(d.graph().positions.split_0).toEqual({ x: pos.split_0!.x + 1, y: pos.split_0!.y });
  });
});
