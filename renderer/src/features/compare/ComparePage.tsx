/**
 * Compare runs (U6): 2–50 runs from `#/compare?runs=a,b,…` — their metric curves overlaid,
 * a param table with the differences highlighted, parallel coordinates of the differing
 * params against a metric, the sweeps' `select` results, and the manifest diff of two runs.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Compare } from '../../../../kernel/common/contract-compare';
import { api, call } from '../../api';
import { StateBadge } from '../../components/StateBadge';
import { runLabels, seriesColor } from '../../lib/series';
import { navigate } from '../../stores/route-store';
import { without } from './compare-model';
import { ManifestDiffView } from './ManifestDiffView';
import { MetricOverlay } from './MetricOverlay';
import { ParallelCoords } from './ParallelCoords';
import { ParamTable } from './ParamTable';
import { SelectResults } from './SelectResults';
import './compare.css';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function RunChip({ r, i, label, onRemove }: { r: Compare['runs'][number]; i: number; label: string; onRemove: (() => void) | null }) {
  return (
    <span className="cmp-run" data-testid={`compare-run-${r.id}`} data-state={r.state}>
      <span className="swatch" style={{ background: seriesColor(i) }} />
      <a href={`#/runs/${encodeURIComponent(r.id)}`} title={r.id}>
        {label}
      </a>
      <StateBadge state={r.state} />
      {onRemove && (
        <button type="button" className="chip-x" aria-label={`Remove ${label} from the comparison`} data-testid={`compare-remove-${r.id}`} onClick={onRemove}>
          ×
        </button>
      )}
    </span>
  );
}

function DiffPicker({ runs, labels }: { runs: Compare['runs']; labels: ReadonlyMap<string, string> }) {
  const [a, setA] = useState(runs[0]?.id ?? '');
  const [b, setB] = useState(runs[1]?.id ?? '');
  const ids = runs.map((r) => r.id);
  // A removed run falls back to the first two that remain.
  const ra = ids.includes(a) ? a : (ids[0] ?? '');
  const rb = ids.includes(b) && b !== ra ? b : (ids.find((x) => x !== ra) ?? '');
  const pick = (value: string, set: (v: string) => void, testId: string) => (
    <select value={value} data-testid={testId} onChange={(e) => set(e.target.value)}>
      {runs.map((r) => (
        <option key={r.id} value={r.id}>
          {labels.get(r.id) ?? r.id}
        </option>
      ))}
    </select>
  );
  return (
    <>
      <div className="toolbar wrap">
        <span className="small">a</span>
        {pick(ra, setA, 'diff-pick-a')}
        <span className="small">b</span>
        {pick(rb, setB, 'diff-pick-b')}
      </div>
      {ra && rb && ra !== rb ? <ManifestDiffView a={ra} b={rb} labels={{ a: labels.get(ra), b: labels.get(rb) }} /> : <div className="muted small">Pick two different runs.</div>}
    </>
  );
}

export function ComparePage({ runs: ids }: { runs: string[] }) {
  // Kept with the ids it answers, so a changed selection never shows as loaded before its answer.
  const [fetched, setFetched] = useState<{ key: string; data: Compare } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [metric, setMetric] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const key = ids.join('\n');

  // A compared run that changes state (finishes, fails) refreshes the comparison.
  useEffect(() => api.on('run.stateChanged', (p) => key.split('\n').includes(p.runId) && setVersion((v) => v + 1)), [key]);

  useEffect(() => {
    const runIds = key ? key.split('\n') : [];
    if (runIds.length < 2) return;
    let cancelled = false;
    setError(null);
    call('runs.compare', { runIds })
      .then((d) => !cancelled && setFetched({ key, data: d }))
      .catch((e: unknown) => !cancelled && setError(message(e)));
    return () => {
      cancelled = true;
    };
  }, [key, version]);

  const data = fetched?.data ?? null;
  const fresh = fetched !== null && fetched.key === key;
  const labels = useMemo(() => runLabels(data?.runs ?? []), [data]);
  const chosen = metric && data?.metricKeys.includes(metric) ? metric : (data?.metricKeys[0] ?? null);
  const remove = (id: string): void => navigate({ page: 'compare', runs: without(ids, id) });

  if (ids.length < 2) {
    return (
      <section className="compare-page" data-testid="compare-page" data-runs={ids.length}>
        <div className="empty">
          <h2>Compare runs</h2>
          <p>Pick 2–50 runs in the runs browser (the checkboxes), then “Compare”.</p>
          <a className="btn" href="#/runs">
            Back to runs
          </a>
        </div>
      </section>
    );
  }
  const runs = data?.runs ?? [];
  return (
    <section className="compare-page" data-testid="compare-page" data-runs={ids.length} data-loaded={fresh}>
      <div className="page-head">
        <h1>Compare</h1>
        <span className="count muted">{ids.length} runs</span>
      </div>
      {error && (
        <div className="error-banner" data-testid="compare-error">
          {error}
        </div>
      )}
      {!data && !error && <div className="muted small">Loading…</div>}
      {data && (
        <>
          <div className="cmp-runs">
            {runs.map((r, i) => (
              <RunChip key={r.id} r={r} i={i} label={labels.get(r.id) ?? r.name} onRemove={ids.length > 2 ? () => remove(r.id) : null} />
            ))}
          </div>
          <div className="cmp-card">
            <h3>Metrics</h3>
            <MetricOverlay runs={runs.map((r) => ({ id: r.id, label: labels.get(r.id) ?? r.name }))} metricKey={chosen} metricKeys={data.metricKeys} onMetric={setMetric} version={version} />
          </div>
          <div className="cmp-card">
            <h3>Params</h3>
            <ParamTable runs={runs} labels={labels} differing={data.differingParams} metricKeys={data.metricKeys} />
          </div>
          <div className="cmp-card">
            <h3>Parallel coordinates {chosen && <span className="muted small">→ {chosen}</span>}</h3>
            <ParallelCoords params={data.differingParams} metric={chosen} runs={runs.map((r) => ({ id: r.id, label: labels.get(r.id) ?? r.name, params: r.params, metric: chosen ? (r.metrics[chosen]?.last ?? null) : null }))} />
          </div>
          <div className="cmp-card">
            <h3>Select results</h3>
            <SelectResults selects={data.selects} labels={labels} />
          </div>
          <div className="cmp-card">
            <h3>Manifest diff</h3>
            <DiffPicker runs={runs} labels={labels} />
          </div>
        </>
      )}
    </section>
  );
}
