/**
 * uPlot chart: series overlaid (several metrics, steps and runs), each with its min/max band;
 * drag to zoom, double-click resets. `theme` is the resolved theme: a change (the toggle, or
 * the OS in Auto) redraws with the new CSS colours.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { positiveOnly, seriesColor, type Aligned } from '../../lib/series';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function MetricChart({ data, logScale, resetKey, theme }: { data: Aligned; logScale: boolean; resetKey: number; theme: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const axis = cssVar('--fg-muted', '#888');
    const grid = cssVar('--border', '#333');
    const series: uPlot.Series[] = [{ label: 'step' }];
    const cols: (number | null)[][] = [data.x];
    const bands: uPlot.Band[] = [];
    const fix = (v: (number | null)[]): (number | null)[] => (logScale ? positiveOnly(v) : v);
    data.series.forEach((s, i) => {
      const color = seriesColor(i);
      const base = cols.length;
      series.push({ label: s.label, stroke: color, width: 1.6, spanGaps: true, points: { show: false } });
      // The min/max envelope is drawn as lines too, so a one-bucket spike stays visible.
      series.push({ label: `${s.label} max`, stroke: `${color}aa`, width: 1, spanGaps: true, points: { show: false } });
      series.push({ label: `${s.label} min`, stroke: `${color}aa`, width: 1, spanGaps: true, points: { show: false } });
      cols.push(fix(s.mean), fix(s.max), fix(s.min));
      bands.push({ series: [base + 1, base + 2], fill: `${color}22` });
    });
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: Math.max(160, el.clientHeight - 8),
      series,
      bands,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { show: false } },
      scales: { x: { time: false }, y: logScale ? { distr: 3 } : {} },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 60 },
      ],
    };
    // What the y axis really spans once drawn: e2e tests check a spike is not clipped.
    opts.hooks = { draw: [(p) => void (el.dataset.scaleMax = String(p.scales.y?.max ?? ''))] };
    const u = new uPlot(opts, cols as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: Math.max(160, el.clientHeight - 8) }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [data, logScale, resetKey, theme]);

  const ymax = data.series.reduce((m, s) => s.max.reduce<number>((a, v) => (v !== null && v > a ? v : a), m), -Infinity);
  return <div className="metric-chart" ref={host} data-testid="metric-chart" data-points={data.points} data-series={data.series.length} data-log={logScale} data-ymax={Number.isFinite(ymax) ? ymax : ''} />;
}
