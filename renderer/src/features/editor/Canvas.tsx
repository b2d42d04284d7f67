/**
 * The experiment as a DAG on an xyflow canvas: drag from the palette to add, drag
 * handle → handle to connect (a popover asks dependency or input reference), Delete to
 * remove, drag nodes to move them (one history entry per drag, positions kept in the file).
 */
import { Background, Controls, ReactFlow, applyNodeChanges, useReactFlow, type Connection as FlowConnection, type Edge, type NodeChange } from '@xyflow/react';
import { useEffect, useMemo, useState, type DragEvent } from 'react';
import { annotate, pairEdges } from './annotate';
import { effectivePositions, flowEdges, flowNodes, sweepAt, NODE_H, NODE_W, type FlowNode } from './canvas-model';
import { ConnectPopover } from './ConnectPopover';
import { edit, select, useEditorStore } from './editor-store';
import type { Position } from './model/types';
import { StepNode, SweepGroup } from './StepNode';

const nodeTypes = { step: StepNode, sweep: SweepGroup };
export const SKILL_MIME = 'application/x-sgr-skill';


function keepMeasured(prev: FlowNode[], next: FlowNode[]): FlowNode[] {
  const old = new Map(prev.map((n) => [n.id, n]));
  return next.map((n) => {
    const o = old.get(n.id);
    return o?.measured ? ({ ...n, measured: o.measured, selected: o.selected } as FlowNode) : n;
  });
}

export function Canvas() {
  const graph = useEditorStore((s) => s.graph);
  const check = useEditorStore((s) => (s.checkedText === s.text ? s.check : null));
  const selection = useEditorStore((s) => s.selection);
  const focus = useEditorStore((s) => s.focus);
  const pos = useMemo(() => effectivePositions(graph), [graph]);
  const flow = useReactFlow();
  const ann = useMemo(() => annotate(graph.steps.map((s) => s.key), check), [graph, check]);
  const trials = useMemo(() => new Map((check?.sweeps ?? []).map((s) => [s.name, s.trials])), [check]);
  const derived = useMemo(() => flowNodes(graph, pos, ann, selection, trials), [graph, pos, ann, selection, trials]);
  // Local copy so a drag moves smoothly; the file is written once, when the drag ends.
  const [nodes, setNodes] = useState<FlowNode[]>(derived);
  // xyflow measures nodes once (ResizeObserver) and keeps it in `measured`: a rebuilt node
  // without it would lose its handle positions, so edges and connections would vanish.
  useEffect(() => setNodes((prev) => keepMeasured(prev, derived)), [derived]);
  const edges = useMemo(() => flowEdges(graph, ann, selection), [graph, ann, selection]);
  const [pending, setPending] = useState<{ source: string; target: string } | null>(null);

  // A step added or removed, or another file opened: bring every step into view.
  const count = graph.steps.length;
  // data-fitted says which step count the view was last fitted to (tests wait for it before dragging).
  const [fitted, setFitted] = useState(-1);
  useEffect(() => {
    const id = requestAnimationFrame(() => void flow.fitView({ padding: 0.25, maxZoom: 1.1 }).then(() => setFitted(count)));
    return () => cancelAnimationFrame(id);
  }, [count]); // not on every edit: a param change must not move the view

  useEffect(() => {
    if (!focus) return;
    const p = pos[focus.key];
    if (p) void flow.setCenter(p.x + NODE_W / 2, p.y + NODE_H / 2, { zoom: Math.max(flow.getZoom(), 1), duration: 250 });
  }, [focus]); // only when a new focus is asked for, not when the view moves

  const onNodesChange = (changes: NodeChange<FlowNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns));
  const onDragStop = (_: unknown, __: FlowNode, moved: FlowNode[]) => {
    const positions: Record<string, Position> = {};
    for (const n of moved) if (n.type === 'step') positions[n.id] = n.position;
    if (Object.keys(positions).length) edit((d) => d.setPositions(positions));
  };
  const onConnect = (c: FlowConnection) => {
    if (c.source && c.target && c.source !== c.target) setPending({ source: c.source, target: c.target });
  };
  const onNodesDelete = (ns: FlowNode[]) => {
    const keys = ns.filter((n) => n.type === 'step').map((n) => n.id);
    if (keys.length) edit((d) => keys.forEach((k) => d.removeStep(k)));
    select(null);
  };
  const onEdgesDelete = (es: Edge[]) => {
    const pairs = new Map(pairEdges(graph.edges).map((p) => [p.key, p]));
    const ids = es.flatMap((e) => pairs.get(e.id)?.edges.map((x) => x.id) ?? []);
    if (ids.length) edit((d) => ids.forEach((id) => d.disconnect(id)));
    select(null);
  };
  const onDrop = (ev: DragEvent) => {
    const skill = ev.dataTransfer.getData(SKILL_MIME);
    if (!skill) return;
    ev.preventDefault();
    const at = flow.screenToFlowPosition({ x: ev.clientX, y: ev.clientY });
    const position = { x: Math.round(at.x - NODE_W / 2), y: Math.round(at.y - NODE_H / 2) };
    const sweep = sweepAt(graph, pos, at);
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
        onNodesChange={onNodesChange}
        onNodeDragStop={onDragStop}
        onConnect={onConnect}
        onNodesDelete={onNodesDelete}
        onEdgesDelete={onEdgesDelete}
        onNodeClick={(_, n) => select(n.type === 'sweep' ? { kind: 'sweep', name: n.data.name } : { kind: 'step', key: n.id })}
        onEdgeClick={(_, e) => select({ kind: 'edge', key: e.id })}
        onPaneClick={() => select(null)}
        deleteKeyCode={['Delete', 'Backspace']}
        // A selected sweep frame must stay under its steps, or it would swallow their clicks.
        elevateNodesOnSelect={false}
        fitView
        fitViewOptions={{ padding: 0.25, maxZoom: 1.1 }}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
      {pending && <ConnectPopover source={pending.source} target={pending.target} onClose={() => setPending(null)} />}
    </div>
  );
}
