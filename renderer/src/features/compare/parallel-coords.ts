/**
 * Layout of the parallel-coordinates plot: one axis per differing param (numeric when every
 * run's value is a number, categorical otherwise) plus the chosen metric, each run a polyline
 * coloured by its metric value. Pure, so the scales are unit-tested.
 */
import { formatScalar } from './compare-model';

export interface PcAxis {
  key: string;
  kind: 'number' | 'category';
  /** Numeric axes: the value range; categorical: the distinct values, in order. */
  min: number;
  max: number;
  categories: string[];
}

export interface PcRun {
  id: string;
  values: Record<string, unknown>;
}

/** One axis over the runs' values of `key` (runs without it contribute nothing). */
export function buildAxis(key: string, runs: readonly PcRun[]): PcAxis {
  const present = runs.map((r) => r.values[key]).filter((v) => v !== undefined && v !== null);
  if (present.length > 0 && present.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const nums = present as number[];
    return { key, kind: 'number', min: Math.min(...nums), max: Math.max(...nums), categories: [] };
  }
  const cats = [...new Set(present.map(formatScalar))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return { key, kind: 'category', min: 0, max: Math.max(0, cats.length - 1), categories: cats };
}

/**
 * A value's position on its axis, 0 (bottom) .. 1 (top); null when the run has no value.
 * A numeric axis of one value, or a category axis of one category, puts it in the middle.
 */
export function position(axis: PcAxis, v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (axis.kind === 'number') {
    if (typeof v !== 'number' || !Number.isFinite(v)) return null;
    return axis.max === axis.min ? 0.5 : (v - axis.min) / (axis.max - axis.min);
  }
  const i = axis.categories.indexOf(formatScalar(v));
  if (i < 0) return null;
  return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
}

/** Tick labels of an axis: its categories, or min / mid / max. */
export function ticks(axis: PcAxis): { at: number; label: string }[] {
  if (axis.kind === 'category') return axis.categories.map((c, i) => ({ at: axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1), label: c }));
  if (axis.max === axis.min) return [{ at: 0.5, label: formatScalar(axis.min) }];
  return [0, 0.5, 1].map((at) => ({ at, label: formatScalar(axis.min + at * (axis.max - axis.min)) }));
}

const LOW = [59, 110, 245];
const MID = [16, 185, 129];
const HIGH = [245, 158, 11];

/** Colour of a metric fraction 0..1: blue → green → amber; grey when the run has no value. */
export function metricColor(t: number | null): string {
  if (t === null || !Number.isFinite(t)) return '#8a94a6';
  const c = Math.max(0, Math.min(1, t));
  const [a, b, f] = c < 0.5 ? [LOW, MID, c * 2] : [MID, HIGH, (c - 0.5) * 2];
  const mix = a.map((x, i) => Math.round(x + ((b[i] ?? x) - x) * f));
  return `#${mix.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The polyline points of each run, on a plot `width`×`height` with axes evenly spaced and
 * `pad` pixels of margin. A run missing a value breaks its line into segments there.
 */
export function polylines(axes: readonly PcAxis[], runs: readonly PcRun[], width: number, height: number, pad: { x: number; y: number }): { id: string; segments: string[] }[] {
  const xAt = (i: number): number => (axes.length === 1 ? width / 2 : pad.x + (i * (width - 2 * pad.x)) / (axes.length - 1));
  const yAt = (t: number): number => height - pad.y - t * (height - 2 * pad.y);
  return runs.map((r) => {
    const segments: string[] = [];
    let cur: string[] = [];
    axes.forEach((a, i) => {
      const t = position(a, r.values[a.key]);
      if (t === null) {
        if (cur.length) segments.push(cur.join(' '));
        cur = [];
        return;
      }
      cur.push(`${xAt(i).toFixed(1)},${yAt(t).toFixed(1)}`);
    });
    if (cur.length) segments.push(cur.join(' '));
    return { id: r.id, segments };
  });
}

/** A brushed range on an axis, as positions 0..1 (lo ≤ hi). */
export type Brushes = Readonly<Record<string, readonly [number, number]>>;

/** Whether a run lies within every brushed range (a run without a value on a brushed axis does not). */
export function passesBrushes(axes: readonly PcAxis[], run: PcRun, brushes: Brushes): boolean {
  return axes.every((a) => {
    const b = brushes[a.key];
    if (!b) return true;
    const t = position(a, run.values[a.key]);
    return t !== null && t >= b[0] - 1e-9 && t <= b[1] + 1e-9;
  });
}
