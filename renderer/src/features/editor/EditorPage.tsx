/**
 * The experiment editor (U4): an experiment.yaml as a DAG — palette, canvas, inspector,
 * live problems and plan preview. `#/editor?file=<path>` opens a file; `#/editor` a new one.
 */
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import { Canvas } from './Canvas';
import { openBlank, useEditorStore } from './editor-store';
import { openFile } from './file-actions';
import { useLiveCheck, useShortcuts, useSkills } from './hooks';
import { Inspector } from './Inspector';
import { Palette } from './Palette';
import { PlanPreview } from './PlanPreview';
import { ProblemsList } from './ProblemsList';
import { SourceView } from './SourceView';
import { Toolbar } from './Toolbar';
import './editor.css';

export function EditorPage({ file }: { file: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<'graph' | 'yaml'>('graph');
  const [loaded, setLoaded] = useState(false);
  useSkills();
  useLiveCheck();
  const onError = useCallback((m: string | null) => setError(m), []);
  const onSaveAs = useCallback(() => document.querySelector<HTMLButtonElement>('[data-testid="editor-saveas"]')?.click(), []);
  useShortcuts(onSaveAs, onError);

  useEffect(() => {
    // Saving under a new name changes the route to the same buffer: nothing to load then.
    if (file && file === useEditorStore.getState().path) return setLoaded(true);
    if (!file) {
      if (useEditorStore.getState().path !== null) openBlank();
      return setLoaded(true);
    }
    setLoaded(false);
    openFile(file).then(
      () => {
        setError(null);
        setLoaded(true);
      },
      (e: unknown) => {
        setError(`Cannot open ${file}: ${e instanceof Error ? e.message : String(e)}`);
        setLoaded(true);
      },
    );
  }, [file]);

  return (
    <div className="ed-page" data-testid="editor-page" data-loaded={loaded ? 'true' : 'false'}>
      <Toolbar onError={onError} />
      {error && (
        <div className="error-banner ed-error" data-testid="editor-error">
          {error}
        </div>
      )}
      <div className="ed-body">
        <Palette />
        <div className="ed-center">
          <div className="tabs">
            <button className={view === 'graph' ? 'on' : ''} data-testid="editor-view-graph" onClick={() => setView('graph')}>
              Graph
            </button>
            <button className={view === 'yaml' ? 'on' : ''} data-testid="editor-view-yaml" onClick={() => setView('yaml')}>
              YAML
            </button>
          </div>
          {view === 'graph' ? (
            <ReactFlowProvider>
              <Canvas />
            </ReactFlowProvider>
          ) : (
            <SourceView />
          )}
          <div className="ed-bottom">
            <ProblemsList />
            <PlanPreview />
          </div>
        </div>
        <Inspector />
      </div>
    </div>
  );
}
