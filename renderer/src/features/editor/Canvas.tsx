/**
 * The experiment as a DAG on an xyflow canvas: drag from the palette to add, drag
 * handle → handle to connect (a popover asks dependency or input reference), Delete to
 * remove, drag nodes to move them (one history entry per drag, positions kept in the file).
 */
import { Background, Controls, ReactFlow, applyNodeChanges, useReactFlow, type Connection as FlowConnection, type Edge, type NodeChange, type NodeMouseHandler, type EdgeMouseHandler } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState, type DragEvent } from 'react';
import { annotate, pairEdges } from './annotate';
import { flowEdges, flowNodes, shareEdges, shareNodes, sweepAt, NODE_H, NODE_W, type FlowNode } from './canvas-model';
import { ConnectPopover } from './ConnectPopover';
import { FlowEdge } from './FlowEdge';
import { edit, select, useEditorStore } from './editor-store';
import type { Position } from './model/types';
import { placement } from './placement';
import { StepNode, SweepGroup } from './StepNode';

export const SKILL_MIME = 'application/x-sgr-skill';

// Everything handed to <ReactFlow> is stable across renders: xyflow copies each changed prop
// into its store with one update per prop, and every node and edge wrapper re-runs its
// selectors on each update — on 1,000 nodes a new callback per render cost ~100 ms a frame.
const nodeTypes = { step: StepNode, sweep: SweepGroup };
const edgeTypes = { flow: FlowEdge };
const FIT = { padding: 0.25, maxZoom: 1.1 };
const PRO = { hideAttribution: true };
const DELETE_KEYS = ['Delete', 'Backspace'];
const store = useEditorStore.getState;
/** Where the canvas draws the steps now (memoised on the graph object: cheap to ask). */
const placed = (): Record<string, Position> => placement.positions(store().graph, store().session);

const onNodeClick: NodeMouseHandler<FlowNode> = (_, n) => select(n.type === 'sweep' ? { kind: 'sweep', name: n.data.name } : { kind: 'step', key: n.id });
const onEdgeClick: EdgeMouseHandler = (_, e) => select({ kind: 'edge', key: e.id });
const onPaneClick = () => select(null);
/** One write (and one history entry) per drag, on release; the move itself stays in the canvas. */
const onDragStop = (_: unknown, __: FlowNode, moved: FlowNode[]) => {
  const positions: Record<string, Position> = {};
  for (const n of moved) if (n.type === 'step') positions[n.id] = n.position;
  if (Object.keys(positions).length) edit((d) => d.setPositions(positions));
};
const onNodesDelete = (ns: FlowNode[]) => {
  const keys = ns.filter((n) => n.type === 'step').map((n) => n.id);
  if (keys.length) edit((d) => keys.forEach((k) => d.removeStep(k)));
  select(null);
};
const onEdgesDelete = (es: Edge[]) => {
  const pairs = new Map(pairEdges(store().graph.edges).map((p) => [p.key, p]));
  const ids = es.flatMap((e) => pairs.get(e.id)?.edges.map((x) => x.id) ?? []);
  if (ids.length) edit((d) => ids.forEach((id) => d.disconnect(id)));
  select(null);
};

export function Canvas() {
  const graph = useEditorStore((s) => s.graph);
  const session = useEditorStore((s) => s.session);
  // The last check even while a newer one is pending: badges stay put through an edit instead
  // of vanishing and coming back (two redraws of every node per edit on a big file).
  const check = useEditorStore((s) => s.check);
  const selection = useEditorStore((s) => s.selection);
  const focus = useEditorStore((s) => s.focus);
  const pos = useMemo(() => placement.positions(graph, session), [graph, session]);
  const flow = useReactFlow();
  const ann = useMemo(() => annotate(graph.steps.map((s) => s.key), check), [graph, check]);
  const trials = useMemo(() => new Map((check?.sweeps ?? []).map((s) => [s.name, s.trials])), [check]);
  const derived = useMemo(() => flowNodes(graph, pos, ann, selection, trials), [graph, pos, ann, selection, trials]);
  // Local copy so a drag moves smoothly (only the dragged node changes); the file is written
  // once, when the drag ends. A new graph keeps every node object whose drawing is the same.
  const [nodes, setNodes] = useState<FlowNode[]>(derived);
  useEffect(() => setNodes((shown) => shareNodes(shown, derived)), [derived]);
  const [edges, setEdges] = useState<Edge[]>(() => flowEdges(graph, ann, selection));
  useEffect(() => setEdges((shown) => shareEdges(shown, flowEdges(graph, ann, selection))), [graph, ann, selection]);
  const [pending, setPending] = useState<{ source: string; target: string } | null>(null);

  // A step added or removed, or another file opened: bring every step into view.
  const count = graph.steps.length;
  // data-fitted says which step count the view was last fitted to (tests wait for it before dragging).
  const [fitted, setFitted] = useState(-1);
  useEffect(() => {
    const id = requestAnimationFrame(() => void flow.fitView(FIT).then(() => setFitted(count)));
    return () => cancelAnimationFrame(id);
  }, [count]); // not on every edit: a param change must not move the view

  useEffect(() => {
    if (!focus) return;
    const p = pos[focus.key];
    if (p) void flow.setCenter(p.x + NODE_W / 2, p.y + NODE_H / 2, { zoom: Math.max(flow.getZoom(), 1), duration: 250 });
  }, [focus]); // only when a new focus is asked for, not when the view moves

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onConnect = useCallback((c: FlowConnection) => {
    if (c.source && c.target && c.source !== c.target) setPending({ source: c.source, target: c.target });
  }, []);
  const onDrop = (ev: DragEvent) => {
    const skill = ev.dataTransfer.getData(SKILL_MIME);
    if (!skill) return;
    ev.preventDefault();
    const at = flow.screenToFlowPosition({ x: ev.clientX, y: ev.clientY });
    const position = { x: Math.round(at.x - NODE_W / 2), y: Math.round(at.y - NODE_H / 2) };
    const sweep = sweepAt(store().graph, placed(), at);
    const key = edit((d) => {
      const k = d.addStep(skill, sweep ? { sweep, position } : { position });
      d.setPositions({ [k]: position });
      return k;
    });
    if (key) select({ kind: 'step', key });
  };

  return (
    <div className="ed-canvas" data-testid="editor-canvas" data-steps={count} data-fitted={fitted} data-edges={edges.length} onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStop={onDragStop}
        onConnect={onConnect}
        onNodesDelete={onNodesDelete}
        onEdgesDelete={onEdgesDelete}
        onNodeClick={onNodeClick}
        onEdgeClick={onEdgeClick}
        onPaneClick={onPaneClick}
        deleteKeyCode={DELETE_KEYS}
        // A selected sweep frame must stay under its steps, or it would swallow their clicks.
        elevateNodesOnSelect={false}
        fitView
        fitViewOptions={FIT}
        minZoom={0.1}
        proOptions={PRO}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
      {pending && <ConnectPopover source={pending.source} target={pending.target} onClose={() => setPending(null)} />}
    </div>
  );
}
