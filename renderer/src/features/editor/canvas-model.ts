/**
 * From the editor's graph and the check's annotations to xyflow nodes and edges (pure), and
 * the structural sharing that keeps a redraw cheap: a node or edge whose drawing did not
 * change keeps its object, so xyflow re-renders only what changed (one node after a drop).
 */
import type { Edge } from '@xyflow/react';
import { pairEdges, type Annotations } from './annotate';
import type { EditorGraph, Position } from './model/types';
import type { StepFlowNode, StepNodeData, SweepFlowNode } from './StepNode';
import type { Selection } from './editor-store';

export const NODE_W = 200;
export const NODE_H = 64;
const PAD = 24;

export type FlowNode = StepFlowNode | SweepFlowNode;

/** The frame of each sweep: the box around its template steps' positions. */
export function sweepFrames(graph: EditorGraph, pos: Record<string, Position>): Map<string, { x: number; y: number; w: number; h: number }> {
  const out = new Map<string, { x: number; y: number; w: number; h: number }>();
  for (const sw of graph.sweeps) {
    const ps = sw.steps.map((k) => pos[k]).filter((p): p is Position => p !== undefined);
    if (!ps.length) continue;
    const x0 = Math.min(...ps.map((p) => p.x)) - PAD;
    const y0 = Math.min(...ps.map((p) => p.y)) - PAD - 18;
    const x1 = Math.max(...ps.map((p) => p.x)) + NODE_W + PAD;
    const y1 = Math.max(...ps.map((p) => p.y)) + NODE_H + PAD;
    out.set(sw.name, { x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
  }
  return out;
}

export function flowNodes(graph: EditorGraph, pos: Record<string, Position>, ann: Annotations, selection: Selection, trials: Map<string, number>): FlowNode[] {
  const frames = sweepFrames(graph, pos);
  const groups: SweepFlowNode[] = graph.sweeps.flatMap((sw) => {
    const f = frames.get(sw.name);
    if (!f) return [];
    const selected = selection?.kind === 'sweep' && selection.name === sw.name;
    return [
      {
        id: `sweep:${sw.name}`,
        type: 'sweep' as const,
        position: { x: f.x, y: f.y },
        data: { name: sw.name, protocol: sw.protocol, trials: trials.get(sw.name) ?? null, selected, width: f.w, height: f.h },
        draggable: false,
        connectable: false,
        deletable: false,
        zIndex: -1,
      },
    ];
  });
  const steps: StepFlowNode[] = graph.steps.map((s) => ({
    id: s.key,
    type: 'step' as const,
    position: pos[s.key] ?? { x: 0, y: 0 },
    data: {
      // Only what the node draws: a param edit elsewhere in the step leaves its node as it is.
      step: { key: s.key, id: s.id, skill: s.skill, sweep: s.sweep, description: s.description },
      problems: ann.nodes.get(s.key) ?? [],
      cache: ann.cache.get(s.key) ?? null,
      selected: selection?.kind === 'step' && selection.key === s.key,
    },
  }));
  return [...groups, ...steps];
}

export function flowEdges(graph: EditorGraph, ann: Annotations, selection: Selection): Edge[] {
  return pairEdges(graph.edges).map((p) => {
    const bad = (ann.edges.get(p.key) ?? []).length > 0;
    const selected = selection?.kind === 'edge' && selection.key === p.key;
    const refs = p.edges.filter((e) => e.kind === 'ref').map((e) => (e.output ? `${e.output} → ${e.field}` : e.field));
    return {
      id: p.key,
      type: 'flow',
      source: p.source,
      target: p.target,
      label: refs.length ? refs.join(', ') : undefined,
      className: `ed-edge${bad ? ' bad' : ''}${p.edges.every((e) => e.kind === 'dep') ? ' dep' : ''}`,
      selected,
      animated: bad,
      domAttributes: { 'data-testid': `editor-edge-${p.source}-${p.target}`, 'data-problem': bad ? 'true' : 'false' } as Record<string, string>,
    };
  });
}

/** A free spot for a new step: right of everything, at the top. */
export function freeSpot(pos: Record<string, Position>): Position {
  const ps = Object.values(pos);
  if (!ps.length) return { x: 40, y: 40 };
  return { x: Math.max(...ps.map((p) => p.x)) + NODE_W + 60, y: Math.min(...ps.map((p) => p.y)) };
}

/** The sweep whose frame holds the point, if any. */
export function sweepAt(graph: EditorGraph, pos: Record<string, Position>, at: Position): string | null {
  for (const [name, f] of sweepFrames(graph, pos)) if (at.x >= f.x && at.x <= f.x + f.w && at.y >= f.y && at.y <= f.y + f.h) return name;
  return null;
}

const sameStep = (a: StepNodeData, b: StepNodeData): boolean =>
  a.selected === b.selected &&
  a.step.key === b.step.key && a.step.id === b.step.id && a.step.skill === b.step.skill && a.step.sweep === b.step.sweep && a.step.description === b.step.description &&
  a.cache?.verdict === b.cache?.verdict && a.cache?.hits === b.cache?.hits && a.cache?.total === b.cache?.total &&
  a.problems.length === b.problems.length && a.problems.every((p, i) => p.message === b.problems[i]!.message && p.field === b.problems[i]!.field);

const sameData = (a: FlowNode, b: FlowNode): boolean => {
  if (a.type === 'step' && b.type === 'step') return sameStep(a.data, b.data);
  if (a.type !== 'sweep' || b.type !== 'sweep') return false;
  const x = a.data;
  const y = b.data;
  return x.name === y.name && x.protocol === y.protocol && x.trials === y.trials && x.selected === y.selected && x.width === y.width && x.height === y.height;
};

/** A dragged node is at a fractional spot; the file keeps it rounded. */
const samePlace = (a: Position, b: Position): boolean => Math.round(a.x) === Math.round(b.x) && Math.round(a.y) === Math.round(b.y);

/**
 * The nodes to show: `next` (just derived from the graph), reusing each node of `shown` (what
 * xyflow has, with its measured size and selection) whose drawing is unchanged. A node being
 * dragged keeps its place: the file only learns it on release. Returns `shown` itself when
 * nothing changed.
 * @example shareNodes(shown, flowNodes(graph, pos, ann, sel, trials)) // after a drop: one new node object
 */
export function shareNodes(shown: FlowNode[], next: FlowNode[]): FlowNode[] {
  const old = new Map(shown.map((n) => [n.id, n]));
  let changed = shown.length !== next.length;
  const out = next.map((n, i) => {
    const o = old.get(n.id);
    if (o && o.type === n.type && sameData(o, n) && (o.dragging || samePlace(o.position, n.position))) {
      if (shown[i] !== o) changed = true;
      return o;
    }
    changed = true;
    // xyflow measures a node once (ResizeObserver) and keeps it in `measured`: a rebuilt node
    // without it would lose its handle positions, so its edges would vanish.
    if (!o) return n;
    return { ...n, measured: o.measured, selected: o.selected, dragging: o.dragging, position: o.dragging ? o.position : n.position } as FlowNode;
  });
  return changed ? out : shown;
}

const sameEdge = (a: Edge, b: Edge): boolean =>
  a.source === b.source && a.target === b.target && a.label === b.label && a.className === b.className && a.selected === b.selected && a.animated === b.animated;

/** The edges to show: `next`, reusing each edge of `shown` drawn the same; `shown` itself when nothing changed. */
export function shareEdges(shown: Edge[], next: Edge[]): Edge[] {
  const old = new Map(shown.map((e) => [e.id, e]));
  let changed = shown.length !== next.length;
  const out = next.map((e, i) => {
    const o = old.get(e.id);
    if (o && sameEdge(o, e)) {
      if (shown[i] !== o) changed = true;
      return o;
    }
    changed = true;
    return e;
  });
  return changed ? out : shown;
}
