/**
 * Run: refused (data-blocked, with the reason as its title) while the buffer has problems;
 * otherwise saves first when needed (the run records the file), then opens the launch dialog.
 */
import { useState } from 'react';
import { navigate } from '../../stores/route-store';
import { LaunchDialog } from '../launch/LaunchDialog';
import { isDirty, runBlocker, useEditorStore } from './editor-store';
import { saveTo } from './file-actions';

type Phase = { kind: 'idle' } | { kind: 'confirm'; error: string | null } | { kind: 'launch'; path: string; text: string } | { kind: 'launched'; runIds: string[] };

export function RunControl() {
  const blocker = useEditorStore(runBlocker);
  const dirty = useEditorStore(isDirty);
  const path = useEditorStore((s) => s.path);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [target, setTarget] = useState('');

  const launch = (p: string) => setPhase({ kind: 'launch', path: p, text: useEditorStore.getState().text });
  const onRun = () => {
    if (blocker) return; // refused: the reason is the title, the problems are listed
    if (dirty || !path) setPhase({ kind: 'confirm', error: null });
    else launch(path);
  };
  const saveAndRun = () => {
    saveTo(path ?? target.trim()).then(launch, (e: unknown) => setPhase({ kind: 'confirm', error: e instanceof Error ? e.message : String(e) }));
  };

  return (
    <>
      <button
        className={`btn small primary${blocker ? ' blocked' : ''}`}
        data-testid="editor-run"
        data-blocked={blocker ? 'true' : 'false'}
        aria-disabled={blocker ? true : undefined}
        title={blocker ? `Cannot run: ${blocker}` : 'Run this experiment'}
        onClick={onRun}
      >
        ▶ Run
      </button>
      {phase.kind === 'confirm' && (
        <div className="ed-modal-back">
          <div className="ed-modal" role="dialog" data-testid="editor-run-confirm">
            <b>{path ? 'Save changes before running?' : 'Save the experiment before running'}</b>
            <p className="muted small">The run records the file it comes from, so the buffer is saved first.</p>
            {!path && <input className="ed-path-input" autoFocus data-testid="editor-run-path" placeholder="/path/to/experiment.yaml" value={target} onChange={(e) => setTarget(e.target.value)} />}
            {phase.error && <div className="error-banner small">{phase.error}</div>}
            <div className="ed-row">
              <span className="spacer" />
              <button className="btn small ghost" onClick={() => setPhase({ kind: 'idle' })}>
                Cancel
              </button>
              <button className="btn small primary" data-testid="editor-run-save" disabled={!path && !target.trim()} onClick={saveAndRun}>
                Save and run
              </button>
            </div>
          </div>
        </div>
      )}
      {phase.kind === 'launch' && (
        <LaunchDialog
          path={phase.path}
          text={phase.text}
          onClose={() => setPhase({ kind: 'idle' })}
          onLaunched={(r) => {
            if (r.runIds.length === 1) navigate({ page: 'run', runId: r.runIds[0]!, stepId: null });
            else setPhase({ kind: 'launched', runIds: r.runIds });
          }}
        />
      )}
      {phase.kind === 'launched' && (
        <div className="ed-launched" data-testid="editor-launched">
          Started:{' '}
          {phase.runIds.map((id) => (
            <a key={id} className="mono" href={`#/runs/${encodeURIComponent(id)}`}>
              {id}
            </a>
          ))}
          <button className="chip-x" onClick={() => setPhase({ kind: 'idle' })}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
