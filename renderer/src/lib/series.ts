/**
 * Aligns several downsampled series (each with its own x) on one x axis for uPlot: the union
 * of x values, with null where a series has no bucket. Each series contributes its mean
 * (smoothed or not) and its raw min and max, so the band still shows every spike.
 */
import { ema } from './ema';

export interface SeriesIn {
  label: string;
  x: readonly number[];
  y: readonly number[];
  min: readonly number[];
  max: readonly number[];
}

export interface Aligned {
  x: number[];
  /** Per series: [mean, min, max], each aligned to x. */
  series: { label: string; mean: (number | null)[]; min: (number | null)[]; max: (number | null)[] }[];
  points: number;
}

export function alignSeries(input: readonly SeriesIn[], smoothing: number): Aligned {
  const xs = new Set<number>();
  for (const s of input) for (const x of s.x) xs.add(x);
  const x = [...xs].sort((a, b) => a - b);
  const at = new Map(x.map((v, i) => [v, i]));
  let points = 0;
  const series = input.map((s) => {
    const mean = new Array<number | null>(x.length).fill(null);
    const min = new Array<number | null>(x.length).fill(null);
    const max = new Array<number | null>(x.length).fill(null);
    const smooth = ema(s.y, smoothing);
    s.x.forEach((xv, i) => {
      const j = at.get(xv) as number;
      mean[j] = smooth[i] ?? null;
      min[j] = s.min[i] ?? null;
      max[j] = s.max[i] ?? null;
    });
    points += s.x.length;
    return { label: s.label, mean, min, max };
  });
  return { x, series, points };
}

/** For a log scale: non-positive values cannot be drawn, they become gaps. */
export function positiveOnly(v: (number | null)[]): (number | null)[] {
  return v.map((n) => (n !== null && n > 0 ? n : null));
}
