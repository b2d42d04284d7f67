/**
 * Runs launched from the app that were left unfinished when it closed: offered once on
 * start, to resume (they continue from the journal) or dismiss (still resumable from the run
 * page). Nothing shows when there are none — or when the kernel cannot tell.
 */
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../kernel/common/contract';
import { call } from '../../api';
import { formatRoute } from '../../lib/route';
import './launch.css';

type Interrupted = MethodOutput<'runs.interrupted'>[number];

export function InterruptedBanner() {
  const [runs, setRuns] = useState<Interrupted[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    call('runs.interrupted', {})
      .then((r) => live && setRuns(r))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  if (runs.length === 0) return null;

  const ids = runs.map((r) => r.runId);
  const resume = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const failed: string[] = [];
    for (const id of ids) {
      try {
        await call('runs.resume', { runId: id });
      } catch (e) {
        failed.push(`${id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    setBusy(false);
    if (failed.length) {
      setError(`Could not resume ${failed.join('; ')}`);
      setRuns((rs) => rs.filter((r) => failed.some((f) => f.startsWith(`${r.runId}:`))));
    } else setRuns([]);
  };
  const dismiss = (): void => {
    setBusy(true);
    call('runs.dismissInterrupted', { runIds: ids })
      .then(() => setRuns([]))
      .catch((e: unknown) => setError(`Could not dismiss: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => setBusy(false));
  };

  return (
    <div className="interrupted-banner" role="status" data-testid="interrupted-banner" data-runs={runs.length}>
      <strong>
        {runs.length} run{runs.length === 1 ? ' was' : 's were'} interrupted when the app closed:
      </strong>
      <ul>
        {runs.map((r) => (
          <li key={r.runId} data-testid="interrupted-run" data-run-id={r.runId}>
            <a href={formatRoute({ page: 'run', runId: r.runId, stepId: null })}>{r.name}</a>{' '}
            <span className="muted small">
              {r.stepsDone}/{r.steps} steps
            </span>
          </li>
        ))}
      </ul>
      {error && (
        <span className="interrupted-error" role="alert" data-testid="interrupted-error">
          {error}
        </span>
      )}
      <div className="spacer" />
      <button type="button" className="btn small primary" disabled={busy} onClick={() => void resume()} data-testid="interrupted-resume">
        Resume
      </button>
      <button type="button" className="btn small" disabled={busy} onClick={dismiss} data-testid="interrupted-dismiss">
        Dismiss
      </button>
    </div>
  );
}
