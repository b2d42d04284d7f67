/**
 * Auto-layout of the editor graph with dagre, left to right: a step sits right of everything
 * it depends on, and each sweep's template steps are kept together in one cluster (the group
 * box the canvas draws around them). The result goes into the file through setPositions.
 */
import dagre from '@dagrejs/dagre';
import type { EditorGraph, Position } from './types';

export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  /** Gap between columns (ranks) and between nodes of a column. */
  rankSep?: number;
  nodeSep?: number;
}

/** Above this many nodes the cheaper longest-path ranking is used: network simplex is slow there. */
const BIG = 300;

/**
 * Top-left positions for every step (step key → { x, y }), matching React Flow's node origin.
 * @example doc.setPositions(autoLayout(doc.graph()))
 */
export function autoLayout(graph: EditorGraph, opts: LayoutOptions = {}): Record<string, Position> {
  const w = opts.nodeWidth ?? 200;
  const h = opts.nodeHeight ?? 64;
  const big = graph.steps.length > BIG;
  const g = new dagre.graphlib.Graph({ compound: graph.sweeps.length > 0, multigraph: false });
  g.setGraph({ rankdir: 'LR', ranksep: opts.rankSep ?? 80, nodesep: opts.nodeSep ?? 24, marginx: 20, marginy: 20, ranker: big ? 'longest-path' : 'network-simplex' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of graph.sweeps) if (s.steps.length > 0) g.setNode(`sweep:${s.name}`, {});
  for (const s of graph.steps) {
    g.setNode(s.key, { width: w, height: h });
    if (s.sweep !== null && g.hasNode(`sweep:${s.sweep}`)) g.setParent(s.key, `sweep:${s.sweep}`);
  }
  for (const e of graph.edges) {
    // A curriculum's `${prev.steps.train…}` in train is a loop on one node: nothing to place.
    if (e.source !== e.target && g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  }
  // The crossing-reduction heuristic sweeps many times; on big graphs one pass is plenty.
  dagre.layout(g, { disableOptimalOrderHeuristic: big });
  const out: Record<string, Position> = {};
  for (const s of graph.steps) {
    const n = g.node(s.key);
    out[s.key] = { x: Math.round(n.x - w / 2), y: Math.round(n.y - h / 2) };
  }
  return out;
}
