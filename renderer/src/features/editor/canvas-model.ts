/** From the editor's graph and the check's annotations to xyflow nodes and edges (pure). */
import type { Edge } from '@xyflow/react';
import { pairEdges, type Annotations } from './annotate';
import { autoLayout } from './model/layout';
import type { EditorGraph, Position } from './model/types';
import type { StepFlowNode, SweepFlowNode } from './StepNode';
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
    data: { step: s, problems: ann.nodes.get(s.key) ?? [], cache: ann.cache.get(s.key) ?? null, selected: selection?.kind === 'step' && selection.key === s.key },
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

/** Positions from the file; steps without one are placed by the auto-layout. */
export function effectivePositions(graph: EditorGraph): Record<string, Position> {
  const missing = graph.steps.some((s) => !graph.positions[s.key]);
  return missing ? { ...autoLayout(graph), ...graph.positions } : graph.positions;
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
