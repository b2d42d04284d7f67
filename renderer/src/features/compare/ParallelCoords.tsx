/**
 * Parallel coordinates (SVG): one axis per differing param plus the chosen metric, one line
 * per run coloured by that metric. Hovering a line (or a run in the legend) highlights it.
 */
import { useMemo, useState } from 'react';
import { buildAxis, metricColor, polylines, position, ticks, type PcRun } from './parallel-coords';

const W = 900;
const H = 260;
const PAD = { x: 70, y: 28 };

export interface PcProps {
  params: readonly string[];
  metric: string | null;
  runs: readonly { id: string; label: string; params: Record<string, unknown>; metric: number | null }[];
}

export function ParallelCoords({ params, metric, runs }: PcProps) {
  const [hover, setHover] = useState<string | null>(null);
  const metricKey = metric ? `metric:${metric}` : null;
  const data: PcRun[] = useMemo(() => runs.map((r) => ({ id: r.id, values: metricKey ? { ...r.params, [metricKey]: r.metric ?? undefined } : r.params })), [runs, metricKey]);
  const axes = useMemo(() => [...params, ...(metricKey ? [metricKey] : [])].map((k) => buildAxis(k, data)), [params, metricKey, data]);
  const lines = useMemo(() => polylines(axes, data, W, H, PAD), [axes, data]);
  const metricAxis = metricKey ? axes[axes.length - 1] : undefined;
  const colorOf = (r: PcRun): string => metricColor(metricAxis ? position(metricAxis, r.values[metricAxis.key]) : null);
  const xAt = (i: number): number => (axes.length === 1 ? W / 2 : PAD.x + (i * (W - 2 * PAD.x)) / (axes.length - 1));
  const yAt = (t: number): number => H - PAD.y - t * (H - 2 * PAD.y);
  const drawn = lines.filter((l) => l.segments.length > 0).length;

  if (axes.length === 0) {
    return (
      <div className="muted small" data-testid="parallel-coords" data-lines={0}>
        No differing params and no metric: nothing to plot.
      </div>
    );
  }
  return (
    <div className="pc" data-testid="parallel-coords" data-lines={drawn} data-axes={axes.length}>
      <svg viewBox={`0 0 ${W} ${H}`} className="pc-svg" role="img" aria-label="Parallel coordinates of params and metric">
        {axes.map((a, i) => (
          <g key={a.key} data-testid="pc-axis" data-key={a.key}>
            <line x1={xAt(i)} x2={xAt(i)} y1={PAD.y} y2={H - PAD.y} className="pc-axis" />
            <text x={xAt(i)} y={14} className="pc-title" textAnchor="middle">
              {a.key.startsWith('metric:') ? a.key.slice(7) : a.key}
            </text>
            {ticks(a).map((t) => (
              <text key={t.label} x={xAt(i) + 5} y={yAt(t.at) + 3} className="pc-tick">
                {t.label.length > 14 ? `${t.label.slice(0, 13)}…` : t.label}
              </text>
            ))}
          </g>
        ))}
        {lines.map((l, i) => {
          const r = data[i] as PcRun;
          const dim = hover !== null && hover !== l.id;
          return (
            <g key={l.id} data-testid="pc-line" data-run-id={l.id} className={`pc-line${dim ? ' dim' : ''}${hover === l.id ? ' hot' : ''}`} onMouseEnter={() => setHover(l.id)} onMouseLeave={() => setHover(null)}>
              {l.segments.map((s) => (
                <polyline key={s} points={s} stroke={colorOf(r)} />
              ))}
              <title>{runs[i]?.label}</title>
            </g>
          );
        })}
      </svg>
      <div className="legend">
        {runs.map((r, i) => (
          <span key={r.id} className={`legend-item${hover === r.id ? ' hot' : ''}`} onMouseEnter={() => setHover(r.id)} onMouseLeave={() => setHover(null)}>
            <span className="swatch" style={{ background: colorOf(data[i] as PcRun) }} />
            {r.label}
            {metric && <span className="mono muted">{r.metric === null ? '—' : Number(r.metric.toPrecision(5))}</span>}
          </span>
        ))}
        {metric && <span className="muted small">colour: {metric} (blue low → amber high)</span>}
      </div>
    </div>
  );
}
