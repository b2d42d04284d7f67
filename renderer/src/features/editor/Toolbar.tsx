/** File, history and layout actions; the file path with its dirty marker; the Run control. */
import { useEffect, useState } from 'react';
import { call } from '../../api';
import { navigate } from '../../stores/route-store';
import { edit, isDirty, openBlank, redo, undo, useEditorStore } from './editor-store';
import { saveTo } from './file-actions';
import { autoLayout } from './model/layout';
import { RunControl } from './RunControl';

type Example = { name: string; path: string; description: string | null };

function SaveAs({ onDone }: { onDone: (err: string | null) => void }) {
  const cur = useEditorStore((s) => s.path);
  const [path, setPath] = useState(cur ?? '');
  const go = () => saveTo(path.trim()).then(() => onDone(null), (e: unknown) => onDone(e instanceof Error ? e.message : String(e)));
  return (
    <span className="ed-row">
      <input className="ed-path-input" autoFocus data-testid="editor-saveas-path" placeholder="/path/to/experiment.yaml" value={path} onChange={(e) => setPath(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void go()} />
      <button className="btn small primary" data-testid="editor-saveas-confirm" disabled={!path.trim()} onClick={() => void go()}>
        Save
      </button>
      <button className="btn small ghost" onClick={() => onDone(null)}>
        Cancel
      </button>
    </span>
  );
}

export function Toolbar({ onError }: { onError: (msg: string | null) => void }) {
  const path = useEditorStore((s) => s.path);
  const dirty = useEditorStore(isDirty);
  const canUndo = useEditorStore((s) => s.canUndo);
  const canRedo = useEditorStore((s) => s.canRedo);
  const [saveAs, setSaveAs] = useState(false);
  const [examples, setExamples] = useState<Example[]>([]);
  useEffect(() => {
    call('experiments.examples', {}).then(setExamples, () => setExamples([]));
  }, []);
  const save = () => (path ? saveTo().then(() => onError(null), (e: unknown) => onError(e instanceof Error ? e.message : String(e))) : setSaveAs(true));
  return (
    <div className="toolbar ed-toolbar wrap">
      <span className="ed-file" data-testid="editor-path" data-dirty={dirty ? 'true' : 'false'} title={path ?? 'not saved yet'}>
        <span className="mono">{path ?? 'new experiment'}</span>
        {dirty && (
          <span className="ed-dirty" data-testid="editor-dirty" title="unsaved changes">
            ●
          </span>
        )}
      </span>
      <button
        className="btn small"
        data-testid="editor-new"
        onClick={() => {
          if (dirty && !window.confirm('Discard unsaved changes?')) return;
          openBlank();
          navigate({ page: 'editor', file: null });
        }}
      >
        New
      </button>
      <select
        className="ed-examples"
        data-testid="editor-examples"
        value=""
        onChange={(e) => {
          if (e.target.value && (!dirty || window.confirm('Discard unsaved changes?'))) navigate({ page: 'editor', file: e.target.value });
        }}
      >
        <option value="">Open example…</option>
        {examples.map((x) => (
          <option key={x.path} value={x.path} title={x.description ?? undefined}>
            {x.name}
          </option>
        ))}
      </select>
      <button className="btn small" data-testid="editor-save" onClick={() => void save()} disabled={!!path && !dirty} title="Save (Ctrl/Cmd-S)">
        Save
      </button>
      {saveAs ? (
        <SaveAs
          onDone={(err) => {
            onError(err);
            if (!err) setSaveAs(false);
          }}
        />
      ) : (
        <button className="btn small" data-testid="editor-saveas" onClick={() => setSaveAs(true)}>
          Save as…
        </button>
      )}
      <span className="ed-sep" />
      <button className="btn small" data-testid="editor-undo" disabled={!canUndo} onClick={undo} title="Undo (Ctrl/Cmd-Z)">
        ↶ Undo
      </button>
      <button className="btn small" data-testid="editor-redo" disabled={!canRedo} onClick={redo} title="Redo (Ctrl/Cmd-Shift-Z)">
        ↷ Redo
      </button>
      <button className="btn small" data-testid="editor-layout" onClick={() => edit((d) => d.setPositions(autoLayout(d.graph())))} title="Arrange the steps left to right">
        Auto-layout
      </button>
      <span className="spacer" />
      <RunControl />
    </div>
  );
}
