import { describe, expect, it } from 'vitest';
import { annotate } from './annotate';
import { flowEdges, flowNodes, freeSpot, shareEdges, shareNodes, sweepAt, sweepFrames, type FlowNode } from './canvas-model';
import { ExperimentDoc } from './model/doc';

const TEXT = `version: 2
name: t
steps:
  a: { skill: noop }
  b: { skill: noop, deps: [a] }
sweeps:
  s:
    grid: { x: [1, 2] }
    steps:
      t: { skill: noop, deps: [b] }
`;
const graph = ExperimentDoc.parse(TEXT).graph();
const pos = { a: { x: 0, y: 0 }, b: { x: 300, y: 0 }, 's.t': { x: 600, y: 100 } };

describe('canvas model', () => {
  it('frames a sweep around its template steps and finds the sweep under a point', () => {
    const f = sweepFrames(graph, pos).get('s')!;
    expect(f.x).toBeLessThan(600);
    expect(f.y).toBeLessThan(100);
    expect(f.x + f.w).toBeGreaterThan(800);
    expect(sweepAt(graph, pos, { x: 650, y: 120 })).toBe('s');
    expect(sweepAt(graph, pos, { x: 10, y: 10 })).toBeNull();
  });

  it('marks the edges and nodes the check blames, with the test ids other tests rely on', () => {
    const check = {
      ok: false,
      problems: [{ stepId: 'b', field: 'deps.0', depId: 'a', line: 5, col: 3, message: 'bad', hint: null }],
      steps: [],
      sweeps: [{ name: 's', protocol: 'grid', trials: 2 }],
      summary: { steps: 0, hits: 0, willRun: 0, unknown: 0 },
    };
    const ann = annotate(graph.steps.map((s) => s.key), check);
    const edges = flowEdges(graph, ann, null);
    const attrs = Object.fromEntries(edges.map((e) => [e.id, e.domAttributes as Record<string, string>]));
    expect(attrs['a->b']).toEqual({ 'data-testid': 'editor-edge-a-b', 'data-problem': 'true' });
    expect(attrs['b->s.t']?.['data-problem']).toBe('false');
    const nodes = flowNodes(graph, pos, ann, { kind: 'step', key: 'a' }, new Map([['s', 2]]));
    expect(nodes.map((n) => n.id)).toEqual(['sweep:s', 'a', 'b', 's.t']);
    const b = nodes.find((n) => n.id === 'b')!;
    expect(b.type === 'step' && b.data.problems.length).toBe(1);
    const frame = nodes[0]!;
    expect(frame.type === 'sweep' && frame.data.trials).toBe(2);
  });

  it('puts a new step right of everything', () => {
    expect(freeSpot({})).toEqual({ x: 40, y: 40 });
    expect(freeSpot(pos).x).toBeGreaterThan(600);
  });

  it('keeps every node and edge object whose drawing did not change, so xyflow redraws only the moved node', () => {
    const ann = annotate(graph.steps.map((s) => s.key), null);
    const trials = new Map([['s', 2]]);
    // What xyflow holds: measured, and `a` selected on the canvas.
    const shown = flowNodes(graph, pos, ann, null, trials).map((n) => ({ ...n, measured: { width: 200, height: 64 }, selected: n.id === 'a' }) as FlowNode);
    expect(shareNodes(shown, flowNodes(graph, pos, ann, null, trials))).toBe(shown);
    const moved = shareNodes(shown, flowNodes(graph, { ...pos, b: { x: 320, y: 40 } }, ann, null, trials));
    expect(moved.filter((n, i) => n !== shown[i]).map((n) => n.id)).toEqual(['b']);
    expect(moved.find((n) => n.id === 'b')!.measured).toEqual({ width: 200, height: 64 });
    // A problem on b: b changes, a keeps its object and its selection.
    const bad = annotate(['a', 'b', 's.t'], { ok: false, problems: [{ stepId: 'b', field: '', depId: null, line: 1, col: 1, message: 'bad', hint: null }], steps: [], sweeps: [], summary: { steps: 0, hits: 0, willRun: 0, unknown: 0 } });
    const flagged = shareNodes(shown, flowNodes(graph, pos, bad, null, trials));
    expect(flagged.filter((n, i) => n !== shown[i]).map((n) => n.id)).toEqual(['b']);
    // A node being dragged stays under the mouse whatever the file still says.
    const dragging = shown.map((n) => (n.id === 'a' ? ({ ...n, dragging: true, position: { x: 55.5, y: 7.25 } } as FlowNode) : n));
    const during = shareNodes(dragging, flowNodes(graph, pos, bad, null, trials));
    expect(during.find((n) => n.id === 'a')!.position).toEqual({ x: 55.5, y: 7.25 });
    const edges = flowEdges(graph, ann, null);
    expect(shareEdges(edges, flowEdges(graph, ann, null))).toBe(edges);
    const picked = shareEdges(edges, flowEdges(graph, ann, { kind: 'edge', key: 'a->b' }));
    expect(picked.filter((e, i) => e !== edges[i]).map((e) => e.id)).toEqual(['a->b']);
  });
});
