/**
 * Aligns several downsampled series (each with its own x) on one x axis for uPlot: the union
 * of x values, with null where a series has no bucket. Each series contributes its mean
 * (smoothed or not) and its raw min and max, so the band still shows every spike. Series of
 * different runs (compared runs) have different x ranges and bucket edges; the union axis
 * holds them all, and each series is null outside its own range (uPlot spans the gaps).
 */
import { ema } from './ema';

export interface SeriesIn {
  label: string;
  /** Stable identity (run/step/metric) for React keys and colours; defaults to the label. */
  key?: string;
  x: readonly number[];
  y: readonly number[];
  min: readonly number[];
  max: readonly number[];
}

export interface Aligned {
  x: number[];
  /** Per series: [mean, min, max], each aligned to x. */
  series: { label: string; key: string; mean: (number | null)[]; min: (number | null)[]; max: (number | null)[] }[];
  points: number;
}

export function alignSeries(input: readonly SeriesIn[], smoothing: number): Aligned {
  const xs = new Set<number>();
  for (const s of input) for (const x of s.x) if (Number.isFinite(x)) xs.add(x);
  const x = [...xs].sort((a, b) => a - b);
  const at = new Map(x.map((v, i) => [v, i]));
  let points = 0;
  const series = input.map((s) => {
    const mean = new Array<number | null>(x.length).fill(null);
    const min = new Array<number | null>(x.length).fill(null);
    const max = new Array<number | null>(x.length).fill(null);
    const smooth = ema(s.y, smoothing);
    let n = 0;
    s.x.forEach((xv, i) => {
      const j = at.get(xv);
      if (j === undefined) return; // a non-finite x: not drawable
      mean[j] = smooth[i] ?? null;
      min[j] = s.min[i] ?? null;
      max[j] = s.max[i] ?? null;
      n++;
    });
    points += n;
    return { label: s.label, key: s.key ?? s.label, mean, min, max };
  });
  return { x, series, points };
}

/** For a log scale: non-positive values cannot be drawn, they become gaps. */
export function positiveOnly(v: (number | null)[]): (number | null)[] {
  return v.map((n) => (n !== null && n > 0 ? n : null));
}

/** One run's series as fetched (`metrics.series` per chosen metric name), for the overlay. */
export interface RunSeries {
  runId: string;
  /** What the legend calls the run (see runLabels). */
  runLabel: string;
  series: readonly { stepId: string; name: string; x: readonly number[]; y: readonly number[]; min: readonly number[]; max: readonly number[] }[];
}

/**
 * The series of the open run and of the runs compared with it, labelled for one legend: with
 * no compared run the labels stay short (`metric`, or `step/metric` when several steps report
 * it); with compared runs each names run · step · metric. The open run comes first.
 */
export function overlaySeries(runs: readonly RunSeries[]): SeriesIn[] {
  const comparing = runs.length > 1;
  const out: SeriesIn[] = [];
  for (const r of runs) {
    const multiStep = new Set(r.series.map((s) => s.stepId)).size > 1;
    for (const s of r.series) {
      const label = comparing ? `${r.runLabel} · ${s.stepId} · ${s.name}` : multiStep ? `${s.stepId}/${s.name}` : s.name;
      out.push({ label, key: `${r.runId}\u0000${s.stepId}\u0000${s.name}`, x: s.x, y: s.y, min: s.min, max: s.max });
    }
  }
  return out;
}

/** Legend names for runs: the run name, with a short id added where two runs share a name. */
export function runLabels(runs: readonly { id: string; name: string }[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  return new Map(runs.map((r) => [r.id, (count.get(r.name) ?? 0) > 1 || !r.name ? `${r.name || 'run'} #${r.id.slice(-6)}` : r.name]));
}

/** Eight hand-picked colours, then golden-angle hues: every overlaid series gets its own. */
export const PALETTE = ['#4f8cff', '#f59e0b', '#10b981', '#ef4444', '#a855f7', '#06b6d4', '#ec4899', '#84cc16'];

export function seriesColor(i: number): string {
  const fixed = PALETTE[i];
  if (fixed) return fixed;
  const h = ((i - PALETTE.length) * 137.508 + 17) % 360;
  return hslToHex(h, 0.65, 0.52);
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}
