/** A step on the editor canvas: skill, id, problem badge, cache badge; handles to connect. */
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { EditorProblem } from '../../../../kernel/common/contract-editor';
import type { StepCache } from './annotate';
import type { EditorStep } from './model/types';

/** What a step node draws (and nothing else: its object is kept while these stay the same). */
export type StepNodeData = { step: Pick<EditorStep, 'key' | 'id' | 'skill' | 'sweep' | 'description'>; problems: EditorProblem[]; cache: StepCache | null; selected: boolean };
export type StepFlowNode = Node<StepNodeData, 'step'>;

const CACHE_LABEL = { hit: 'cached', run: 'will run', unknown: 'maybe', mixed: 'partly cached' } as const;

export const StepNode = memo(function StepNode({ data }: NodeProps<StepFlowNode>) {
  const { step, problems, cache } = data;
  const bad = problems.length > 0;
  return (
    <div
      className={`ed-node${bad ? ' bad' : ''}${data.selected ? ' selected' : ''}${step.sweep ? ' in-sweep' : ''}`}
      data-testid={`editor-node-${step.key}`}
      data-problem={bad ? 'true' : 'false'}
      data-cache={cache?.verdict ?? 'none'}
      title={bad ? problems.map((p) => `${p.field ? `${p.field}: ` : ''}${p.message}`).join('\n') : (step.description ?? undefined)}
    >
      <Handle type="target" position={Position.Left} className="ed-handle" />
      <div className="ed-node-head">
        <span className="ed-node-id">{step.id}</span>
        {bad && (
          <span className="ed-badge bad" data-testid="node-problem-badge">
            {problems.length} ⚠
          </span>
        )}
      </div>
      <div className="ed-node-meta">
        <span className="muted">{step.skill}</span>
        {cache && (
          <span className={`ed-badge cache-${cache.verdict}`} data-testid="node-cache-badge">
            {cache.total > 1 ? `${cache.hits}/${cache.total} cached` : CACHE_LABEL[cache.verdict]}
          </span>
        )}
      </div>
      {bad && <div className="ed-node-problem small">{problems[0]!.message}</div>}
      <Handle type="source" position={Position.Right} className="ed-handle" />
    </div>
  );
});

export type SweepGroupData = { name: string; protocol: string; trials: number | null; selected: boolean; width: number; height: number };
export type SweepFlowNode = Node<SweepGroupData, 'sweep'>;

/** The frame around a sweep's template steps; click it to edit the sweep. */
export const SweepGroup = memo(function SweepGroup({ data }: NodeProps<SweepFlowNode>) {
  return (
    <div
      className={`ed-sweep${data.selected ? ' selected' : ''}`}
      style={{ width: data.width, height: data.height }}
      data-testid={`editor-sweep-${data.name}`}
    >
      <div className="ed-sweep-label">
        sweep <b>{data.name}</b> · {data.protocol}
        {data.trials !== null && <span className="muted"> · {data.trials} trials</span>}
      </div>
    </div>
  );
});
