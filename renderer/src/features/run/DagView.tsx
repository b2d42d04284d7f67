/**
 * The run's DAG: layered by longest dependency path, nodes coloured by state. A replay
 * overlay (optional) marks each node identical / diverged / not-reached / unfinished.
 */
import { Background, Controls, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import type { StepDetail } from '../../../../kernel/common/contract';
import { formatDuration } from '../../lib/format';
import { layoutDag } from '../../lib/dag-layout';
import './replay-overlay.css';

/** A step's status in a replay of the run (see runs.replay). */
export type ReplayStatus = 'identical' | 'diverged' | 'not-reached' | 'unfinished';
export type ReplayOverlay = Record<string, ReplayStatus>;

type StepNodeData = { step: StepDetail; selected: boolean; replay: ReplayStatus | null };
type StepNode = Node<StepNodeData, 'step'>;

const StepNodeView = memo(function StepNodeView({ data }: NodeProps<StepNode>) {
  const s = data.step;
  const progress = s.state === 'COMPLETED' ? 1 : (s.progress ?? null);
  return (
    <div
      className={`dag-node state-${s.state.toLowerCase()}${data.selected ? ' selected' : ''}${data.replay ? ` replay-${data.replay}` : ''}`}
      data-testid={`dag-node-${s.id}`}
      data-state={s.state}
      data-cached={s.cacheHit ? 'true' : 'false'}
      data-replay={data.replay ?? undefined}
    >
      <Handle type="target" position={Position.Left} />
      <div className="dag-node-head">
        <span className="dag-dot" />
        <span className="dag-id">{s.id}</span>
        {s.cacheHit && (
          <span className="badge cached" data-testid="cached-badge">
            cached
          </span>
        )}
        {data.replay && (
          <span className={`badge replay-badge replay-${data.replay}`} data-testid="replay-badge" title={`replay: ${data.replay}`}>
            {REPLAY_MARK[data.replay]}
          </span>
        )}
      </div>
      <div className="dag-node-meta">
        <span className="muted">{s.skill}</span>
        <span className="mono">{formatDuration(s.durationMs ?? (s.state === 'RUNNING' && s.startedAt ? Date.now() - s.startedAt : null))}</span>
      </div>
      {s.attempt > 1 && <div className="dag-node-meta muted small">attempt {s.attempt}</div>}
      <div className="progress" data-testid="step-progress">
        <div className="progress-fill" style={{ width: `${Math.round((progress ?? 0) * 100)}%` }} />
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const REPLAY_MARK: Record<ReplayStatus, string> = { identical: '= identical', diverged: '≠ diverged', 'not-reached': 'not reached', unfinished: 'unfinished' };

const nodeTypes = { step: StepNodeView };

export function DagView({ steps, selected, onSelect, overlay }: { steps: StepDetail[]; selected: string | null; onSelect: (id: string) => void; overlay?: ReplayOverlay | null }) {
  const shape = steps.map((s) => `${s.id}<${s.deps.join(',')}`).join(';');
  // Positions depend only on the graph's shape, not on states: recomputed when it changes.
  const placed = useMemo(() => layoutDag(steps), [shape]);
  const nodes: StepNode[] = useMemo(() => {
    const pos = new Map(placed.map((p) => [p.id, p]));
    return steps.map((s) => {
      const p = pos.get(s.id);
      return { id: s.id, type: 'step', position: { x: p?.x ?? 0, y: p?.y ?? 0 }, data: { step: s, selected: s.id === selected, replay: overlay?.[s.id] ?? null }, draggable: false, connectable: false };
    });
  }, [steps, placed, selected, overlay]);
  const edges: Edge[] = useMemo(
    () =>
      steps.flatMap((s) =>
        s.deps.map((d) => ({
          id: `${d}->${s.id}`,
          source: d,
          target: s.id,
          animated: s.state === 'RUNNING',
          className: `edge-${s.state.toLowerCase()}`,
        })),
      ),
    [steps],
  );
  return (
    <div className="dag" data-testid="dag">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1.2 }}
        minZoom={0.1}
        nodesDraggable={false}
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_, n) => onSelect(n.id)}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
