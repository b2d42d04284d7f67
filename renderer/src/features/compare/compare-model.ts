/**
 * Pure helpers of the compare view: metric keys, value display, the rows of the param table
 * and the scales of the select-result bars. No React, so they are unit-tested directly.
 */
import type { Compare } from '../../../../kernel/common/contract-compare';

export type CompareRun = Compare['runs'][number];
export type Scalar = CompareRun['params'][string];

/** `<step>.<name>` → its parts; step ids hold no dot (plan.ts), metric names may. */
export function splitKey(key: string): { stepId: string; name: string } {
  const i = key.indexOf('.');
  return i < 0 ? { stepId: '', name: key } : { stepId: key.slice(0, i), name: key.slice(i + 1) };
}

const HASH = /^(sha256:)?[0-9a-f]{64}$/;

/** A content hash (`sha256:…` or 64 bare hex digits): shown short with a copy button. */
export function isHash(v: unknown): v is string {
  return typeof v === 'string' && HASH.test(v);
}

/** A scalar as the tables show it: strings bare, numbers short, absent as an em dash. */
export function formatScalar(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
  return JSON.stringify(v);
}

export interface ParamRow {
  key: string;
  differs: boolean;
  /** One value per run, in the runs' order (undefined: the run has no such param). */
  values: (Scalar | undefined)[];
}

/**
 * Rows of the param table: every param key of any run, sorted, differing ones flagged by
 * the kernel's `differingParams`; with `onlyDiffs` only those.
 */
export function paramRows(runs: readonly CompareRun[], differing: readonly string[], onlyDiffs: boolean): ParamRow[] {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.params)) keys.add(k);
  const diff = new Set(differing);
  return [...keys]
    .sort()
    .filter((k) => !onlyDiffs || diff.has(k))
    .map((key) => ({ key, differs: diff.has(key), values: runs.map((r) => (Object.hasOwn(r.params, key) ? r.params[key] : undefined)) }));
}

/** The number of distinct param keys over the runs (decides the "only differences" default). */
export function paramCount(runs: readonly CompareRun[]): number {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.params)) keys.add(k);
  return keys.size;
}

/** The runs' ids in a new order without `id` (removing a run from the comparison). */
export function without(ids: readonly string[], id: string): string[] {
  return ids.filter((x) => x !== id);
}

export interface Span {
  lo: number;
  hi: number;
}

/**
 * The x domain of one select result's bars: every mean and CI end, widened to include 0 when
 * all values share a sign close to it (bars then start at 0), never empty.
 */
export function barDomain(rows: readonly { mean: number | null; lo: number | null; hi: number | null }[]): Span {
  const vals: number[] = [];
  for (const r of rows) for (const v of [r.mean, r.lo, r.hi]) if (v !== null && Number.isFinite(v)) vals.push(v);
  if (vals.length === 0) return { lo: 0, hi: 1 };
  let lo = Math.min(...vals);
  let hi = Math.max(...vals);
  if (lo > 0 && lo < (hi - lo) * 2) lo = 0;
  if (hi < 0 && -hi < (hi - lo) * 2) hi = 0;
  if (hi === lo) {
    const pad = Math.abs(hi) || 1;
    return { lo: lo - pad / 2, hi: hi + pad / 2 };
  }
  return { lo, hi };
}

/** Where `v` falls in `d`, as a fraction 0..1 (clamped). */
export function frac(v: number, d: Span): number {
  return Math.max(0, Math.min(1, (v - d.lo) / (d.hi - d.lo)));
}
