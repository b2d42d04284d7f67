import { useEffect, useState } from 'react';
import type { StepDetail } from '../../../../kernel/common/contract';
import { KeyValues } from '../../components/JsonView';
import { StateBadge } from '../../components/StateBadge';
import { formatDuration } from '../../lib/format';
import { ArtifactsPanel } from './ArtifactsPanel';
import { LogView } from './LogView';
import { ManifestPanel } from './ManifestPanel';
import { MetricsPanel } from './MetricsPanel';

const TABS = ['details', 'logs', 'metrics', 'artifacts', 'manifest'] as const;
type Tab = (typeof TABS)[number];

export function Tabs<T extends string>({ tabs, tab, onTab, prefix }: { tabs: readonly T[]; tab: T; onTab: (t: T) => void; prefix: string }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((t) => (
        <button key={t} type="button" role="tab" aria-selected={t === tab} className={t === tab ? 'on' : ''} data-testid={`${prefix}-tab-${t}`} onClick={() => onTab(t)}>
          {t}
        </button>
      ))}
    </div>
  );
}

export function StepPanel({ runId, step, onClose, onTab }: { runId: string; step: StepDetail; onClose: () => void; onTab?: (t: Tab) => void }) {
  const [tab, setTab] = useState<Tab>('details');
  // The run page hides its own chart while this panel shows one (one chart at a time).
  useEffect(() => onTab?.(tab), [tab, onTab]);
  return (
    <aside className="side-panel" data-testid="step-panel" data-step-id={step.id}>
      <div className="panel-head">
        <div>
          <div className="panel-title">
            <span className="mono">{step.id}</span> <StateBadge state={step.state} />
            {step.cacheHit && <span className="badge cached">cached</span>}
          </div>
          <div className="muted small">
            {step.skill} · {step.target} · attempt {step.attempt}
            {step.preemptions > 0 ? ` · ${step.preemptions} preemptions` : ''} · {formatDuration(step.durationMs ?? (step.state === 'RUNNING' && step.startedAt ? Date.now() - step.startedAt : null))}
          </div>
        </div>
        <button type="button" className="btn ghost" onClick={onClose} data-testid="step-panel-close" aria-label="Close (Esc)" title="Close (Esc)">
          ✕
        </button>
      </div>
      <Tabs tabs={TABS} tab={tab} onTab={setTab} prefix="step" />
      <div className="panel-body">
        {tab === 'details' && (
          <div className="details">
            {step.error && (
              <div className="error-box" data-testid="step-error">
                {step.failureClass && <div className="badge state-failed">{step.failureClass}</div>}
                <pre>{step.error}</pre>
              </div>
            )}
            <h4>Params</h4>
            <KeyValues data={step.params} testId="step-params" />
            <h4>Inputs</h4>
            <KeyValues data={step.inputs} testId="step-inputs" />
            <h4>Outputs</h4>
            <KeyValues data={step.outputs} testId="step-outputs" />
            {step.deps.length > 0 && (
              <>
                <h4>Depends on</h4>
                <div className="tags">
                  {step.deps.map((d) => (
                    <a key={d} className="tag" href={`#/runs/${encodeURIComponent(runId)}/${encodeURIComponent(d)}`}>
                      {d}
                    </a>
                  ))}
                </div>
              </>
            )}
            {step.cacheKey && (
              <>
                <h4>Cache key</h4>
                <div className="mono small wrap-any">{step.cacheKey}</div>
              </>
            )}
          </div>
        )}
        {tab === 'logs' && <LogView runId={runId} stepId={step.id} running={step.state === 'RUNNING' || step.state === 'PENDING'} />}
        {tab === 'metrics' && <MetricsPanel runId={runId} stepId={step.id} />}
        {tab === 'artifacts' && <ArtifactsPanel runId={runId} stepId={step.id} />}
        {tab === 'manifest' && <ManifestPanel runId={runId} />}
      </div>
    </aside>
  );
}
