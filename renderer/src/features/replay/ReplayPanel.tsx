/**
 * The replay's verdict: `identical`, or the first divergence (step, field, the recorded and
 * the replayed value) — with every step's status, matching the DAG overlay.
 */
import { ValueView } from '../../components/JsonView';
import type { ReplayState } from './use-replay';

const LABEL = { identical: 'identical', diverged: 'diverged', 'not-reached': 'not reached', unfinished: 'unfinished' } as const;

export function ReplayPanel({ state, onSelectStep }: { state: ReplayState; onSelectStep: (stepId: string) => void }) {
  const { busy, result, error } = state;
  const verdict = result ? (result.identical ? 'identical' : 'diverged') : undefined;
  return (
    <section className={`replay-panel${verdict ? ` replay-${verdict}` : ''}`} data-testid="replay-panel" data-result={verdict} data-busy={busy ? 'true' : 'false'} aria-live="polite">
      <div className="replay-head">
        <strong>Replay</strong>
        {busy && <span className="muted">re-deriving the run from its journal…</span>}
        {result && (
          <span className={`badge replay-badge replay-${verdict}`} data-testid="replay-verdict">
            {result.identical ? '= identical' : '≠ diverged'}
          </span>
        )}
        {result && (
          <span className="muted small">
            {result.compared} recorded result{result.compared === 1 ? '' : 's'} compared, no job executed
          </span>
        )}
        <div className="spacer" />
        <button type="button" className="btn ghost small" onClick={state.close} data-testid="replay-close" aria-label="close replay">
          ×
        </button>
      </div>
      {error && (
        <div className="error-banner small" data-testid="replay-error">
          {error}
        </div>
      )}
      {result?.divergence && (
        <div className="replay-divergence" data-testid="replay-divergence" data-step={result.divergence.stepId ?? ''} data-field={result.divergence.field}>
          <div>
            First divergence at{' '}
            {result.divergence.stepId ? (
              <button type="button" className="link-btn mono" onClick={() => onSelectStep(result.divergence!.stepId!)} data-testid="replay-divergence-step">
                {result.divergence.stepId}
              </button>
            ) : (
              <span className="mono">the run itself</span>
            )}
            , field <span className="mono" data-testid="replay-divergence-field">{result.divergence.field}</span>
          </div>
          <dl className="kv replay-values">
            <dt>recorded</dt>
            <dd data-testid="replay-recorded">
              <ValueView value={result.divergence.recorded} />
            </dd>
            <dt>replayed</dt>
            <dd data-testid="replay-replayed">
              <ValueView value={result.divergence.replayed} />
            </dd>
          </dl>
        </div>
      )}
      {result && result.steps.length > 0 && (
        <ol className="replay-steps">
          {result.steps.map((s) => (
            <li key={s.stepId} data-testid={`replay-step-${s.stepId}`} data-status={s.status}>
              <button type="button" className={`chip replay-chip replay-${s.status}`} onClick={() => onSelectStep(s.stepId)}>
                <span className="mono">{s.stepId}</span> · {LABEL[s.status]}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
