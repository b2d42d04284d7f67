import { useEffect, useMemo, useState } from 'react';
import type { MethodOutput, Series } from '../../../../kernel/common/contract';
import { call } from '../../api';
import { alignSeries } from '../../lib/series';
import { useRunStore } from '../../stores/run-store';
import { useThemeStore } from '../../stores/theme-store';
import { MetricChart, PALETTE } from './MetricChart';

type MetricInfo = MethodOutput<'metrics.list'>[number];

export function MetricsPanel({ runId, stepId }: { runId: string; stepId?: string }) {
  const version = useRunStore((s) => s.metricsVersion);
  const theme = useThemeStore((s) => s.theme);
  const [list, setList] = useState<MetricInfo[] | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [series, setSeries] = useState<Series[]>([]);
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
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
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
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [runId, stepId, chosen, version]);

  const multiStep = new Set(series.map((s) => s.stepId)).size > 1;
  const aligned = useMemo(
    () => alignSeries(series.map((s) => ({ ...s, label: multiStep ? `${s.stepId}/${s.name}` : s.name })), smoothing),
    [series, smoothing, multiStep],
  );
  const names = [...new Set((list ?? []).map((m) => m.name))].sort();
  const totals = series.reduce((a, s) => a + s.total, 0);

  if (list !== null && names.length === 0) return <div className="muted empty small" data-testid="metrics-empty">No metrics reported{stepId ? ' by this step' : ''}.</div>;
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
      {error && <div className="error-banner">{error}</div>}
      <div className="legend">
        {aligned.series.map((s, i) => (
          <span key={s.label} className="legend-item">
            <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} />
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
