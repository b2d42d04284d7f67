/** The right-hand panel: the selected step, sweep or connection; the experiment itself when nothing is selected. */
import { DraftField } from './DraftField';
import { edit, select, useEditorStore } from './editor-store';
import { pairEdges } from './annotate';
import { StepInspector } from './StepInspector';
import { SweepInspector } from './SweepInspector';

function EdgeInspector({ edgeKey }: { edgeKey: string }) {
  const graph = useEditorStore((s) => s.graph);
  const pair = pairEdges(graph.edges).find((p) => p.key === edgeKey);
  if (!pair) return <div className="muted small">The connection is gone.</div>;
  return (
    <div className="ed-inspector-body">
      <b className="mono">
        {pair.source} → {pair.target}
      </b>
      <ul className="small">
        {pair.edges.map((e) => (
          <li key={e.id} className="ed-row">
            <span className="mono">{e.kind === 'dep' ? `deps (${e.field})` : `${e.output ?? '?'} → ${e.field}`}</span>
            <span className="spacer" />
            <button className="btn small ghost" onClick={() => edit((d) => d.disconnect(e.id))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <button
        className="btn small"
        data-testid="edge-delete"
        onClick={() => {
          edit((d) => pair.edges.forEach((e) => d.disconnect(e.id)));
          select(null);
        }}
      >
        Remove connection
      </button>
    </div>
  );
}

function ExperimentInspector() {
  const graph = useEditorStore((s) => s.graph);
  return (
    <div className="ed-inspector-body">
      <label className="ed-field">
        <span>name</span>
        <DraftField testid="exp-name" value={graph.name} validate={(t) => (t.trim() ? null : 'required')} commit={(t) => (edit((d) => d.setMeta('name', t.trim())), true)} />
      </label>
      <label className="ed-field">
        <span>description</span>
        <DraftField testid="exp-description" value={graph.description ?? ''} validate={() => null} commit={(t) => (edit((d) => d.setMeta('description', t.trim() ? t : undefined)), true)} />
      </label>
      <p className="muted small">Select a step or a sweep to edit it. Add steps from the palette; drag from a step's right handle to another's left handle to connect them.</p>
    </div>
  );
}

export function Inspector() {
  const selection = useEditorStore((s) => s.selection);
  const graph = useEditorStore((s) => s.graph);
  const step = selection?.kind === 'step' ? graph.steps.find((s) => s.key === selection.key) : undefined;
  const sweep = selection?.kind === 'sweep' ? graph.sweeps.find((s) => s.name === selection.name) : undefined;
  const title = step ? `Step ${step.key}` : sweep ? `Sweep ${sweep.name}` : selection?.kind === 'edge' ? 'Connection' : 'Experiment';
  return (
    <aside className="ed-inspector" data-testid="inspector" data-selected={step?.key ?? sweep?.name ?? ''}>
      <div className="panel-head">
        <div className="panel-title">{title}</div>
      </div>
      <div className="panel-body">
        {step && <StepInspector key={step.key} step={step} />}
        {sweep && <SweepInspector key={sweep.name} sweep={sweep} />}
        {selection?.kind === 'edge' && <EdgeInspector edgeKey={selection.key} />}
        {!step && !sweep && selection?.kind !== 'edge' && <ExperimentInspector />}
      </div>
    </aside>
  );
}
