/**
 * One metric of every compared run on one chart: `metrics.series` per run (min/max buckets,
 * so a spike is never hidden), aligned by the reported step or by time since each run began.
 * Each run keeps its colour: a run without the metric still holds its slot, as an empty series.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Series } from '../../../../kernel/common/contract';
import { call } from '../../api';
import { alignSeries, seriesColor, type SeriesIn } from '../../lib/series';
import { useThemeStore } from '../../stores/theme-store';
import { MetricChart } from '../run/MetricChart';
import { splitKey } from './compare-model';

type Align = 'step' | 'time';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function MetricOverlay({ runs, metricKey, metricKeys, onMetric, version }: { runs: readonly { id: string; label: string }[]; metricKey: string | null; metricKeys: readonly string[]; onMetric: (k: string) => void; version: number }) {
  const theme = useThemeStore((s) => s.resolved);
  const [align, setAlign] = useState<Align>('step');
  const [fetched, setFetched] = useState<{ key: string; series: Series[][] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [resetKey, setResetKey] = useState(0);
  const ids = runs.map((r) => r.id).join('\n');
  const want = metricKey ? `${ids}\n${metricKey}\n${align}\n${version}` : null;

  useEffect(() => {
    if (!metricKey || !want) return;
    let cancelled = false;
    const { stepId, name } = splitKey(metricKey);
    setError(null);
    Promise.all(
      ids.split('\n').map((runId) =>
        call('metrics.series', { runId, name, buckets: 1000, align, ...(stepId ? { stepId } : {}) }).catch((e: unknown) => {
          if (!cancelled) setError(`${runId}: ${message(e)}`);
          return [] as Series[];
        }),
      ),
    )
      .then((series) => !cancelled && setFetched({ key: want, series }))
      .catch((e: unknown) => !cancelled && setError(message(e)));
    return () => {
      cancelled = true;
    };
  }, [want, ids, metricKey, align]);

  const ready = fetched !== null && fetched.key === want;
  const input: SeriesIn[] = useMemo(
    () =>
      runs.map((r, i) => {
        const s = ready ? fetched.series[i]?.[0] : undefined;
        return { label: r.label, key: r.id, x: s?.x ?? [], y: s?.y ?? [], min: s?.min ?? [], max: s?.max ?? [] };
      }),
    [runs, fetched, ready],
  );
  const aligned = useMemo(() => alignSeries(input, 0), [input]);
  const drawn = input.filter((s) => s.x.length > 0).length;

  if (metricKeys.length === 0) {
    return (
      <div className="muted small" data-testid="metric-overlay" data-series={0}>
        None of these runs reported a metric.
      </div>
    );
  }
  return (
    <div className="overlay" data-testid="metric-overlay" data-series={ready ? drawn : ''} data-align={align} data-metric={metricKey ?? ''} data-xmax={ready && aligned.x.length ? aligned.x[aligned.x.length - 1] : ''}>
      <div className="toolbar wrap">
        <label className="small">
          metric{' '}
          <select value={metricKey ?? ''} data-testid="overlay-metric" onChange={(e) => onMetric(e.target.value)}>
            {metricKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <div className="seg" role="group" aria-label="Align curves by" data-testid="compare-align" data-value={align}>
          {(['step', 'time'] as const).map((a) => (
            <button key={a} type="button" className={`chip${align === a ? ' on' : ''}`} aria-pressed={align === a} data-testid={`compare-align-${a}`} onClick={() => setAlign(a)}>
              by {a}
            </button>
          ))}
        </div>
        <div className="spacer" />
        <button type="button" className="btn small ghost" onClick={() => setResetKey((k) => k + 1)}>
          Reset zoom
        </button>
      </div>
      {error && <div className="error-banner">{error}</div>}
      <div className="legend">
        {runs.map((r, i) => (
          <span key={r.id} className={`legend-item${input[i]?.x.length ? '' : ' muted'}`} data-testid="overlay-legend-item" data-run-id={r.id}>
            <span className="swatch" style={{ background: seriesColor(i) }} />
            {r.label}
            {ready && !input[i]?.x.length && ' (no data)'}
          </span>
        ))}
        <span className="muted small">x: {align === 'step' ? 'reported step' : 'seconds since the run started'} · band: min/max per bucket · drag to zoom</span>
      </div>
      <div className="overlay-chart">
        <MetricChart data={aligned} logScale={false} resetKey={resetKey} theme={theme} />
      </div>
    </div>
  );
}
