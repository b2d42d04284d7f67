import { useEffect, useState } from 'react';
import { StateBadge } from '../../components/StateBadge';
import { formatDuration, formatNumber, formatTime } from '../../lib/format';
import { navigate, setCompare, useRouteStore } from '../../stores/route-store';
import { useRunStore } from '../../stores/run-store';
import { ReplayPanel } from '../replay/ReplayPanel';
import { RerunDialog } from '../replay/RerunDialog';
import { RerunResults } from '../replay/RerunResults';
import { noteRerun, rerunOrigin } from '../replay/rerun-origins';
import { RunActions } from '../replay/RunActions';
import { useReplay } from '../replay/use-replay';
import { ArtifactsPanel } from './ArtifactsPanel';
import { DagView } from './DagView';
import { ManifestPanel } from './ManifestPanel';
import { MetricsPanel } from './MetricsPanel';
import { StepPanel, Tabs } from './StepPanel';

const RUN_TABS = ['metrics', 'artifacts', 'manifest'] as const;
type RunTab = (typeof RUN_TABS)[number];
const NONE: readonly string[] = [];

export function RunPage({ runId, stepId }: { runId: string; stepId: string | null }) {
  const run = useRunStore((s) => s.run);
  const error = useRunStore((s) => s.error);
  const open = useRunStore((s) => s.open);
  const [tab, setTab] = useState<RunTab>('metrics');
  const [stepTab, setStepTab] = useState<string | null>(null);
  // Runs overlaid in the metric charts: in the hash query, so a link reproduces the view.
  const compare = useRouteStore((s) => (s.route.page === 'run' ? s.route.compare : undefined)) ?? NONE;
  const [, tick] = useState(0);
  const replay = useReplay(runId);
  const [rerunOpen, setRerunOpen] = useState(false);
  // A re-run's original: journaled by the kernel (runs.get), else from the route (`?rerunOf=`,
  // kept for the session once seen, for a kernel that does not report it).
  const routeRerunOf = useRouteStore((s) => (s.route.page === 'run' ? s.route.rerunOf : undefined));
  useEffect(() => {
    if (routeRerunOf) noteRerun(runId, routeRerunOf);
  }, [runId, routeRerunOf]);
  const rerunOf = (run?.id === runId ? run.rerunOf : null) ?? routeRerunOf ?? rerunOrigin(runId);

  useEffect(() => open(runId), [runId, open]);
  // While running, durations move every second.
  useEffect(() => {
    if (run?.state !== 'RUNNING') return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [run?.state]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && stepId) navigate({ page: 'run', runId, stepId: null });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [runId, stepId]);

  if (error && !run)
    return (
      <div className="empty" data-testid="run-error">
        <h2>Cannot open run</h2>
        <p className="mono">{runId}</p>
        <p className="error-banner">{error}</p>
        <a href="#/runs">← all runs</a>
      </div>
    );
  if (!run || run.id !== runId) return <div className="muted pad">Loading run…</div>;

  const steps = run.stepsDetail;
  const done = steps.filter((s) => s.state === 'COMPLETED').length;
  const cached = steps.filter((s) => s.cacheHit).length;
  const step = stepId ? steps.find((s) => s.id === stepId) ?? null : null;
  const duration = run.durationMs ?? (run.startedAt ? Date.now() - run.startedAt : null);

  return (
    <section className="run-page" data-testid="run-view" data-run-id={run.id} data-state={run.state}>
      <div className="run-header">
        <div className="run-title">
          <h1>{run.name}</h1>
          <StateBadge state={run.state} />
          <RunActions run={run} replaying={replay.busy} onReplay={replay.replay} onRerun={() => setRerunOpen(true)} />
        </div>
        <div className="stats">
          <div className="stat">
            <span className="stat-label">Duration</span>
            <span className="stat-value mono" data-testid="run-duration">
              {formatDuration(duration)}
            </span>
          </div>
          <div className="stat">
            <span className="stat-label">Steps</span>
            <span className="stat-value mono" data-testid="run-steps">
              {done}/{steps.length}
              {cached > 0 && <span className="muted small"> ({cached} cached)</span>}
            </span>
          </div>
          <div className="stat">
            <span className="stat-label">Started</span>
            <span className="stat-value mono">{formatTime(run.startedAt ?? run.createdAt)}</span>
          </div>
          {run.bestMetric && (
            <div className="stat">
              <span className="stat-label">Best {run.bestMetric.name}</span>
              <span className="stat-value mono">{formatNumber(run.bestMetric.value)}</span>
            </div>
          )}
          <div className="stat">
            <span className="stat-label">Target</span>
            <span className="stat-value">{run.target}</span>
          </div>
        </div>
        {run.description && <p className="muted">{run.description}</p>}
        {run.error && (
          <div className="error-banner" data-testid="run-error-message">
            {run.error}
          </div>
        )}
        <div className="progress wide" title={`${done} of ${steps.length} steps completed`}>
          <div className="progress-fill" style={{ width: `${steps.length ? (done / steps.length) * 100 : 0}%` }} />
        </div>
      </div>
      {replay.open && <ReplayPanel state={replay} onSelectStep={(id) => navigate({ page: 'run', runId, stepId: id })} />}
      {rerunOf && <RerunResults runId={run.id} originalId={rerunOf} state={run.state} />}
      <div className={`run-body${step ? ' with-panel' : ''}`}>
        <div className="run-main">
          <DagView steps={steps} overlay={replay.overlay} selected={stepId} onSelect={(id) => navigate({ page: 'run', runId, stepId: id })} />
          <div className="run-tabs">
            <Tabs tabs={RUN_TABS} tab={tab} onTab={setTab} prefix="run" />
            <div className="run-tab-body">
              {tab === 'metrics' &&
                (step && stepTab === 'metrics' ? (
                  <div className="muted empty small" data-testid="run-metrics-in-panel">
                    The chart of step <span className="mono">{step.id}</span> is open in the side panel; close it to chart the whole run.
                  </div>
                ) : (
                  <MetricsPanel runId={runId} compare={compare} onCompare={setCompare} />
                ))}
              {tab === 'artifacts' && <ArtifactsPanel runId={runId} />}
              {tab === 'manifest' && <ManifestPanel runId={runId} />}
            </div>
          </div>
        </div>
        {step && <StepPanel key={step.id} runId={runId} step={step} onTab={setStepTab} onClose={() => navigate({ page: 'run', runId, stepId: null })} />}
      </div>
      {rerunOpen && <RerunDialog runId={run.id} target={run.target} onClose={() => setRerunOpen(false)} />}
    </section>
  );
}
