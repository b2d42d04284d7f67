/**
 * Parallel coordinates (SVG): one axis per differing param plus the chosen metric, one line
 * per run coloured by that metric. Hovering a line (or a run in the legend) highlights it;
 * dragging along an axis brushes a range and dims the runs outside it (click the axis to clear).
 */
import { useMemo, useRef, useState, type PointerEvent } from 'react';
import { buildAxis, metricColor, passesBrushes, polylines, position, ticks, type Brushes, type PcRun } from './parallel-coords';

const W = 900;
const H = 260;
const PAD = { x: 70, y: 28 };
const yAt = (t: number): number => H - PAD.y - t * (H - 2 * PAD.y);

export interface PcProps {
  params: readonly string[];
  metric: string | null;
  runs: readonly { id: string; label: string; params: Record<string, unknown>; metric: number | null }[];
}

export function ParallelCoords({ params, metric, runs }: PcProps) {
  const [hover, setHover] = useState<string | null>(null);
  const [brushes, setBrushes] = useState<Brushes>({});
  const drag = useRef<{ key: string; from: number } | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const metricKey = metric ? `metric:${metric}` : null;
  const data: PcRun[] = useMemo(() => runs.map((r) => ({ id: r.id, values: metricKey ? { ...r.params, [metricKey]: r.metric ?? undefined } : r.params })), [runs, metricKey]);
  const axes = useMemo(() => [...params, ...(metricKey ? [metricKey] : [])].map((k) => buildAxis(k, data)), [params, metricKey, data]);
  const lines = useMemo(() => polylines(axes, data, W, H, PAD), [axes, data]);
  const metricAxis = metricKey ? axes[axes.length - 1] : undefined;
  const colorOf = (r: PcRun): string => metricColor(metricAxis ? position(metricAxis, r.values[metricAxis.key]) : null);
  const xAt = (i: number): number => (axes.length === 1 ? W / 2 : PAD.x + (i * (W - 2 * PAD.x)) / (axes.length - 1));
  const drawn = lines.filter((l) => l.segments.length > 0).length;
  const kept = new Set(data.filter((r) => passesBrushes(axes, r, brushes)).map((r) => r.id));

  // Pointer y → axis position 0..1 (the SVG scales with its box: go through the viewBox).
  const toT = (e: PointerEvent): number => {
    const box = svg.current?.getBoundingClientRect();
    if (!box || box.height === 0) return 0;
    const y = ((e.clientY - box.top) * H) / box.height;
    return Math.max(0, Math.min(1, (H - PAD.y - y) / (H - 2 * PAD.y)));
  };
  const onDown = (key: string) => (e: PointerEvent<SVGRectElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { key, from: toT(e) };
  };
  const onMove = (e: PointerEvent<SVGRectElement>): void => {
    const d = drag.current;
    if (!d) return;
    const to = toT(e);
    setBrushes((b) => ({ ...b, [d.key]: [Math.min(d.from, to), Math.max(d.from, to)] as const }));
  };
  const onUp = (e: PointerEvent<SVGRectElement>): void => {
    const d = drag.current;
    drag.current = null;
    // A click without a drag clears the axis's brush.
    if (d && Math.abs(toT(e) - d.from) < 0.02) {
      setBrushes((b) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== d.key)));
    }
  };

  if (axes.length === 0) {
    return (
      <div className="muted small" data-testid="parallel-coords" data-lines={0}>
        No differing params and no metric: nothing to plot.
      </div>
    );
  }
  return (
    <div className="pc" data-testid="parallel-coords" data-lines={drawn} data-axes={axes.length} data-selected={kept.size}>
      <svg ref={svg} viewBox={`0 0 ${W} ${H}`} className="pc-svg" role="img" aria-label="Parallel coordinates of params and metric">
        {lines.map((l, i) => {
          const r = data[i] as PcRun;
          const dim = (hover !== null && hover !== l.id) || !kept.has(l.id);
          return (
            <g key={l.id} data-testid="pc-line" data-run-id={l.id} data-kept={kept.has(l.id)} className={`pc-line${dim ? ' dim' : ''}${hover === l.id ? ' hot' : ''}`} onMouseEnter={() => setHover(l.id)} onMouseLeave={() => setHover(null)}>
              {l.segments.map((s) => (
                <polyline key={s} points={s} stroke={colorOf(r)} />
              ))}
              <title>{runs[i]?.label}</title>
            </g>
          );
        })}
        {axes.map((a, i) => {
          const b = brushes[a.key];
          return (
            <g key={a.key} data-testid="pc-axis" data-key={a.key} data-brushed={b !== undefined}>
              <line x1={xAt(i)} x2={xAt(i)} y1={PAD.y} y2={H - PAD.y} className="pc-axis" />
              {b && <rect x={xAt(i) - 6} width={12} y={yAt(b[1])} height={Math.max(1, yAt(b[0]) - yAt(b[1]))} className="pc-brush" />}
              <text x={xAt(i)} y={14} className="pc-title" textAnchor="middle">
                {a.key.startsWith('metric:') ? a.key.slice(7) : a.key}
              </text>
              {ticks(a).map((t) => (
                <text key={t.label} x={xAt(i) + 5} y={yAt(t.at) + 3} className="pc-tick">
                  {t.label.length > 14 ? `${t.label.slice(0, 13)}…` : t.label}
                </text>
              ))}
              <rect x={xAt(i) - 12} width={24} y={PAD.y - 4} height={H - 2 * PAD.y + 8} className="pc-hit" data-testid={`pc-brush-${a.key}`} onPointerDown={onDown(a.key)} onPointerMove={onMove} onPointerUp={onUp} />
            </g>
          );
        })}
      </svg>
      <div className="legend">
        {runs.map((r, i) => (
          <span key={r.id} className={`legend-item${hover === r.id ? ' hot' : ''}${kept.has(r.id) ? '' : ' muted'}`} onMouseEnter={() => setHover(r.id)} onMouseLeave={() => setHover(null)}>
            <span className="swatch" style={{ background: colorOf(data[i] as PcRun) }} />
            {r.label}
            {metric && <span className="mono muted">{r.metric === null ? '—' : Number(r.metric.toPrecision(5))}</span>}
          </span>
        ))}
        <span className="muted small">
          {metric ? `colour: ${metric} (blue low → amber high) · ` : ''}drag along an axis to filter, click it to clear
        </span>
      </div>
    </div>
  );
}
