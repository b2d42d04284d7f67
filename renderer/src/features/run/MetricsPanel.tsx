import { useEffect, useMemo, useState } from 'react';
import type { MethodOutput, Series } from '../../../../kernel/common/contract';
import { call } from '../../api';
import { alignSeries, overlaySeries, runLabels, seriesColor, type RunSeries } from '../../lib/series';
import { useRunStore } from '../../stores/run-store';
import { useThemeStore } from '../../stores/theme-store';
import { CompareControl, type ComparedRun } from './CompareControl';
import { MetricChart } from './MetricChart';

type MetricInfo = MethodOutput<'metrics.list'>[number];

/** A compared run as fetched: its name and its series of the chosen metrics (all steps). */
interface Fetched {
  id: string;
  name: string | null;
  series: Series[];
  error: string | null;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Metrics of a run (or of one step). In the run view, `compare` lists other runs whose
 * series of the chosen metric names are overlaid on the same chart; `onCompare` changes it.
 */
export function MetricsPanel({ runId, stepId, compare, onCompare }: { runId: string; stepId?: string; compare?: readonly string[]; onCompare?: (ids: string[]) => void }) {
  const version = useRunStore((s) => s.metricsVersion);
  const run = useRunStore((s) => (s.run?.id === runId ? s.run : null));
  const theme = useThemeStore((s) => s.resolved);
  const [list, setList] = useState<MetricInfo[] | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [series, setSeries] = useState<Series[]>([]);
  const [others, setOthers] = useState<Fetched[]>([]);
  const [smoothing, setSmoothing] = useState(0);
  const [logScale, setLogScale] = useState(false);
  const [resetKey, setResetKey] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    call('metrics.list', { runId })
      .then((l) => {
        if (cancelled) return;
        const mine = stepId ? l.filter((m) => m.stepId === stepId) : l;
        setList(mine);
        setChosen((c) => (c.length ? c : [...new Set(mine.map((m) => m.name))].slice(0, 1)));
      })
      .catch((e: unknown) => !cancelled && setError(message(e)));
    return () => {
      cancelled = true;
    };
  }, [runId, stepId, version]);

  useEffect(() => {
    let cancelled = false;
    if (chosen.length === 0) {
      setSeries([]);
      return;
    }
    Promise.all(chosen.map((name) => call('metrics.series', { runId, name, buckets: 1000, ...(stepId ? { stepId } : {}) })))
      .then((all) => !cancelled && setSeries(all.flat()))
      .catch((e: unknown) => !cancelled && setError(message(e)));
    return () => {
      cancelled = true;
    };
  }, [runId, stepId, chosen, version]);

  // Compared runs: each fetched on its own, so one bad id does not blank the others.
  const compareKey = (compare ?? []).join('\n');
  useEffect(() => {
    let cancelled = false;
    const ids = compareKey ? compareKey.split('\n') : [];
    if (ids.length === 0) {
      setOthers([]);
      return;
    }
    const one = async (id: string): Promise<Fetched> => {
      try {
        const [detail, all] = await Promise.all([call('runs.get', { runId: id }), Promise.all(chosen.map((name) => call('metrics.series', { runId: id, name, buckets: 1000 })))]);
        return { id, name: detail.name, series: all.flat(), error: null };
      } catch (e) {
        return { id, name: null, series: [], error: message(e) };
      }
    };
    Promise.all(ids.map(one))
      .then((r) => !cancelled && setOthers(r))
      .catch((e: unknown) => !cancelled && setError(message(e)));
    return () => {
      cancelled = true;
    };
  }, [compareKey, chosen]);

  const comparing = compare !== undefined && compare.length > 0;
  const shown = useMemo(() => {
    const ids = new Set(compare ?? []);
    return others.filter((o) => ids.has(o.id));
  }, [others, compare]);
  const labels = useMemo(
    () => runLabels([{ id: runId, name: run?.name ?? runId }, ...shown.map((o) => ({ id: o.id, name: o.name ?? o.id }))]),
    [runId, run?.name, shown],
  );
  const runs: RunSeries[] = useMemo(
    () => [{ runId, runLabel: labels.get(runId) ?? runId, series }, ...(comparing ? shown.map((o) => ({ runId: o.id, runLabel: labels.get(o.id) ?? o.id, series: o.series })) : [])],
    [runId, labels, series, shown, comparing],
  );
  const overlay = useMemo(() => overlaySeries(runs), [runs]);
  const aligned = useMemo(() => alignSeries(overlay, smoothing), [overlay, smoothing]);
  const names = [...new Set((list ?? []).map((m) => m.name))].sort();
  const totals = [series, ...(comparing ? shown.map((o) => o.series) : [])].reduce((a, ss) => a + ss.reduce((b, s) => b + s.total, 0), 0);

  // A compared run's chip takes the colour of its first series on the chart.
  const compared: ComparedRun[] = (compare ?? []).map((id) => {
    const o = shown.find((x) => x.id === id);
    const first = aligned.series.findIndex((s) => s.key.startsWith(`${id}\u0000`));
    return { id, label: labels.get(id) ?? id, color: first >= 0 ? seriesColor(first) : null, error: o?.error ?? null };
  });

  if (list !== null && names.length === 0 && !comparing) return <div className="muted empty small" data-testid="metrics-empty">No metrics reported{stepId ? ' by this step' : ''}.</div>;
  return (
    <div className="metrics-panel">
      <div className="toolbar wrap">
        <div className="chips">
          {names.map((n) => (
            <button
              key={n}
              type="button"
              className={`chip${chosen.includes(n) ? ' on' : ''}`}
              aria-pressed={chosen.includes(n)}
              data-testid={`metric-chip-${n}`}
              onClick={() => setChosen((c) => (c.includes(n) ? c.filter((x) => x !== n) : [...c, n]))}
            >
              {n}
            </button>
          ))}
        </div>
        <div className="spacer" />
        <label className="small slider">
          smoothing
          <input type="range" min={0} max={0.99} step={0.01} value={smoothing} data-testid="metric-smoothing" onChange={(e) => setSmoothing(Number(e.target.value))} />
          <span className="mono">{smoothing.toFixed(2)}</span>
        </label>
        <label className="small check">
          <input type="checkbox" checked={logScale} data-testid="metric-log" onChange={(e) => setLogScale(e.target.checked)} /> log
        </label>
        <button type="button" className="btn small ghost" data-testid="metric-reset" onClick={() => setResetKey((k) => k + 1)}>
          Reset zoom
        </button>
      </div>
      {compare !== undefined && onCompare && (
        <div className="toolbar wrap compare-bar">
          <CompareControl
            runId={runId}
            experiment={run ? run.name : null}
            compared={compared}
            onAdd={(id) => onCompare([...compare.filter((x) => x !== id), id])}
            onRemove={(id) => onCompare(compare.filter((x) => x !== id))}
          />
        </div>
      )}
      {error && <div className="error-banner">{error}</div>}
      <div className="legend" data-testid="metric-legend">
        {aligned.series.map((s, i) => (
          <span key={s.key} className="legend-item" data-testid="legend-item">
            <span className="swatch" style={{ background: seriesColor(i) }} />
            {s.label}
          </span>
        ))}
        <span className="muted small">
          {totals.toLocaleString()} points → {aligned.points.toLocaleString()} buckets (min/max band) · drag to zoom
        </span>
      </div>
      <MetricChart data={aligned} logScale={logScale} resetKey={resetKey} theme={theme} />
    </div>
  );
}
