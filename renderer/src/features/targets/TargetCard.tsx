/** One target: what targets.yaml declares, what its last probe found, and "Test connection". */
import { useState } from 'react';
import type { TargetInfo, TargetProbeInfo } from '../../../../kernel/common/contract-targets';
import { formatResources } from '../../../../kernel/common/targets-format';
import { call } from '../../api';
import { formatDuration, formatTime } from '../../lib/format';

type Status = 'unknown' | 'checking' | 'ok' | 'failed';

function ProbeResult({ probe }: { probe: TargetProbeInfo }) {
  if (!probe.ok) {
    return (
      <div className="tg-probe failed">
        <div className="tg-error" data-testid="target-error">{probe.error ?? 'the check failed without a reason'}</div>
        <div className="muted small">checked {formatTime(probe.at)}</div>
      </div>
    );
  }
  const details = Object.entries(probe.details);
  return (
    <div className="tg-probe ok">
      <div>
        <span className="tg-latency" data-testid="target-latency">{formatDuration(probe.latencyMs)}</span>
        <span className="muted small"> · checked {formatTime(probe.at)}</span>
      </div>
      {probe.resources && <div className="tg-res" data-testid="target-probed">{formatResources(probe.resources, { sayNoGpus: true })}</div>}
      {details.length > 0 && (
        <dl className="tg-details">
          {details.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

export function TargetCard({ target, onChecked }: { target: TargetInfo; onChecked: () => void }) {
  const [checking, setChecking] = useState(false);
  const [fresh, setFresh] = useState<TargetProbeInfo | null>(null);
  const [callError, setCallError] = useState<string | null>(null);
  const probe = fresh ?? target.lastProbe ?? null;
  const status: Status = checking ? 'checking' : probe ? (probe.ok ? 'ok' : 'failed') : 'unknown';
  const test = () => {
    setChecking(true);
    setCallError(null);
    call('targets.check', { name: target.name })
      .then((p) => {
        setFresh(p);
        onChecked();
      })
      .catch((e: unknown) => setCallError(e instanceof Error ? e.message : String(e)))
      .finally(() => setChecking(false));
  };
  const declared = formatResources(target.resources ?? undefined);
  return (
    <section className={`tg-card status-${status}`} data-testid={`target-card-${target.name}`} data-kind={target.kind}>
      <header className="tg-head">
        <h3 className="mono">{target.name}</h3>
        <span className="badge tg-kind">{target.kind}</span>
        <span className="spacer" />
        <span className={`badge tg-status ${status}`} data-testid={`target-status-${target.name}`} data-status={status}>
          {status === 'checking' && <span className="tg-spinner" aria-hidden="true" />}
          {status === 'unknown' ? 'not checked' : status}
        </span>
      </header>
      {target.description && <p className="tg-desc">{target.description}</p>}
      <dl className="tg-facts">
        {target.address && (
          <div>
            <dt>where</dt>
            <dd className="mono">{target.address}</dd>
          </div>
        )}
        <div>
          <dt>declared</dt>
          <dd data-testid="target-declared">{declared || <span className="muted">nothing declared</span>}</dd>
        </div>
        {target.resources?.maxJobs !== undefined && (
          <div>
            <dt>max jobs</dt>
            <dd>{target.resources.maxJobs}</dd>
          </div>
        )}
      </dl>
      {probe && !checking && <ProbeResult probe={probe} />}
      {callError && <div className="tg-error">{callError}</div>}
      <div className="tg-actions">
        <button type="button" className="btn small" data-testid={`target-test-${target.name}`} disabled={checking} onClick={test}>
          {checking ? 'Testing…' : 'Test connection'}
        </button>
      </div>
    </section>
  );
}
