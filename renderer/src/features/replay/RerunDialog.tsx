/**
 * Re-run: choose a target, read the drift report (what differs now from the recorded run),
 * then start. The new run opens with `?rerunOf=<original>` so its page diffs the results.
 */
import { useEffect, useState } from 'react';
import type { Drift } from '../../../../kernel/common/contract-replay';
import { call } from '../../api';
import { navigate } from '../../stores/route-store';
import type { Target } from '../launch/use-launch-data';
import { DriftReport } from './DriftReport';
import { noteRerun } from './rerun-origins';
import '../launch/launch.css';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function RerunDialog({ runId, target: recordedTarget, onClose }: { runId: string; target: string; onClose: () => void }) {
  const [targets, setTargets] = useState<Target[]>([{ name: 'local', kind: 'local', available: true }]);
  const [target, setTarget] = useState(recordedTarget || 'local');
  const [drift, setDrift] = useState<Drift | null>(null);
  const [driftError, setDriftError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    call('targets.list', {})
      .then((t) => live && t.length > 0 && setTargets(t))
      .catch(() => undefined);
    call('runs.drift', { runId })
      .then((d) => live && setDrift(d))
      .catch((e: unknown) => live && setDriftError(message(e)));
    return () => {
      live = false;
    };
  }, [runId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const start = (): void => {
    setBusy(true);
    setError(null);
    call('runs.rerun', { runId, target })
      .then((r) => {
        noteRerun(r.runId, runId);
        onClose();
        navigate({ page: 'run', runId: r.runId, stepId: null, rerunOf: runId });
      })
      .catch((e: unknown) => {
        setError(`Re-run of ${runId} on ${target} failed: ${message(e)}`);
        setBusy(false);
      });
  };

  const known = targets.some((t) => t.name === target);
  return (
    <div className="launch-overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div role="dialog" aria-modal="true" aria-labelledby="rerun-title" className="launch-dialog" data-testid="rerun-dialog">
        <div className="launch-head">
          <h2 id="rerun-title">
            Re-run <span className="mono">{runId}</span>
          </h2>
          <button type="button" className="btn ghost" aria-label="close" onClick={onClose} data-testid="rerun-close">
            ×
          </button>
        </div>
        <p className="muted small">Executes the recorded plan again — same config, same data hashes — as a new run, without reusing cached results.</p>
        <label className="launch-field">
          <span>Target</span>
          <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="rerun-target">
            {!known && <option value={target}>{target}</option>}
            {targets.map((t) => (
              <option key={t.name} value={t.name} disabled={!t.available}>
                {t.name}
                {t.available ? '' : ' — unavailable'}
              </option>
            ))}
          </select>
        </label>
        {drift ? (
          <DriftReport drift={drift} />
        ) : driftError ? (
          <div className="error-banner small" data-testid="drift-error">
            Drift report unavailable: {driftError}
          </div>
        ) : (
          <div className="muted small" data-testid="drift-loading">
            Comparing code, environment and data with the recorded run…
          </div>
        )}
        {error && (
          <div className="error-banner small" role="alert" data-testid="rerun-error">
            {error}
          </div>
        )}
        <div className="launch-foot">
          <div className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={busy || (!drift && !driftError)} onClick={start} data-testid="rerun-start">
            {busy ? 'Starting…' : 'Start re-run'}
          </button>
        </div>
      </div>
    </div>
  );
}
