/**
 * The run page's actions: Cancel (planned or running), Resume (aborted or failed), Replay
 * (re-derive from the journal, no job runs) and Re-run (execute again, after a drift report).
 */
import { useState } from 'react';
import type { RunDetail } from '../../../../kernel/common/contract';
import { call } from '../../api';
import { ENDED_RUN_STATES } from '../../lib/states';
import { useRunStore } from '../../stores/run-store';
import './replay.css';

const RESUMABLE: ReadonlySet<string> = new Set(['ABORTED', 'FAILED']);

/**
 * After cancel or resume, waits (≤ 10 s) for the run's state to move off `before`, then
 * refreshes the view. The journal tailer does not always announce a resumed run's return to
 * RUNNING (it re-watches the run at its new state), and the view only polls active runs.
 */
async function refreshWhenMoved(runId: string, before: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const store = useRunStore.getState();
    if (store.runId !== runId) return;
    if (store.run?.state !== before) return;
    const now = await call('runs.get', { runId }).catch(() => null);
    if (now && now.state !== before) {
      store.reload();
      return;
    }
  }
}

interface Props {
  run: Pick<RunDetail, 'id' | 'state'>;
  replaying: boolean;
  onReplay: () => void;
  onRerun: () => void;
}

export function RunActions({ run, replaying, onReplay, onRerun }: Props) {
  const [busy, setBusy] = useState<'cancel' | 'resume' | null>(null);
  const [note, setNote] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const act = (kind: 'cancel' | 'resume'): void => {
    setBusy(kind);
    setNote(null);
    const done =
      kind === 'cancel'
        ? call('runs.cancel', { runId: run.id }).then((r) => (r.requested ? 'Cancel requested' : 'The run was not executing'))
        : call('runs.resume', { runId: run.id }).then(() => 'Resuming');
    done
      .then((text) => {
        setNote({ kind: 'ok', text });
        void refreshWhenMoved(run.id, run.state);
      })
      .catch((e: unknown) => setNote({ kind: 'error', text: `${kind === 'cancel' ? 'Cancel' : 'Resume'} failed: ${e instanceof Error ? e.message : String(e)}` }))
      .finally(() => setBusy(null));
  };
  const ended = ENDED_RUN_STATES.has(run.state);
  return (
    <div className="run-actions" data-testid="run-actions">
      {!ENDED_RUN_STATES.has(run.state) && (
        <button type="button" className="btn small" disabled={busy !== null} onClick={() => act('cancel')} data-testid="run-cancel">
          ■ Cancel
        </button>
      )}
      {RESUMABLE.has(run.state) && (
        <button type="button" className="btn small" disabled={busy !== null} onClick={() => act('resume')} data-testid="run-resume" title="Continue from the journal: completed steps are kept">
          ↻ Resume
        </button>
      )}
      <button type="button" className="btn small" disabled={replaying} onClick={onReplay} data-testid="run-replay" title="Re-derive the run from its journal without executing any job">
        ⟲ Replay
      </button>
      <button type="button" className="btn small" disabled={!ended} onClick={onRerun} data-testid="run-rerun" title={ended ? 'Execute again from the manifest (same config, same data)' : 'Re-run once the run has ended'}>
        ▶ Re-run…
      </button>
      {note && (
        <span className={note.kind === 'error' ? 'run-action-error' : 'muted small'} data-testid={note.kind === 'error' ? 'run-action-error' : 'run-action-note'} role={note.kind === 'error' ? 'alert' : undefined}>
          {note.text}
        </span>
      )}
    </div>
  );
}
