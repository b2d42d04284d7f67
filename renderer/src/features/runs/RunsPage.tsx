import { useEffect } from 'react';
import { useRunsStore } from '../../stores/runs-store';
import { CompareButton } from './CompareButton';
import { RunsFilters } from './RunsFilters';
import { RunsTable } from './RunsTable';

function EmptyState() {
  return (
    <div className="empty" data-testid="runs-empty">
      <div className="empty-mark">◇</div>
      <h2>No runs yet</h2>
      <p>Runs appear here as soon as the kernel starts them. Try one of the examples:</p>
      <pre className="mono">sgr run examples/fanout/experiment.yaml</pre>
      <p className="muted small">It shows up live — no reload needed.</p>
    </div>
  );
}

export function RunsPage() {
  const total = useRunsStore((s) => s.total);
  const filter = useRunsStore((s) => s.filter);
  const error = useRunsStore((s) => s.error);
  const ensureRange = useRunsStore((s) => s.ensureRange);
  useEffect(() => ensureRange(0, 1), [ensureRange]);
  const filtered = Object.keys(filter).length > 0;
  return (
    <section className="runs-page">
      <div className="page-head">
        <h1>Runs</h1>
        <span className="count muted" data-testid="runs-count">
          {total === null ? 'loading…' : `${total.toLocaleString()} ${total === 1 ? 'run' : 'runs'}${filtered ? ' match' : ''}`}
        </span>
        <CompareButton />
      </div>
      <RunsFilters />
      {error && (
        <div className="error-banner" data-testid="runs-error">
          {error}
        </div>
      )}
      {total === 0 && !filtered ? <EmptyState /> : total === 0 ? <div className="empty small muted" data-testid="runs-no-match">No run matches these filters.</div> : <RunsTable />}
    </section>
  );
}
