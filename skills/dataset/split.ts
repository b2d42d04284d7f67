/** Canonical bytes, the seeded split and summary statistics of a dataset. */
import { createHash } from 'node:crypto';
import { shuffledIndices } from './prng';
import type { Row } from './ingest';

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}

/** JSON with object keys sorted at every level, so equal data gives equal bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One canonical JSON object per line, each line ending in `\n`. */
export function toJsonl(rows: readonly object[]): string {
  return rows.map((r) => `${canonicalJson(r)}\n`).join('');
}

export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** @example splitRows(rows, { train: 0.8, val: 0.1, test: 0.1 }, 0) — a seeded shuffle, then cut */
export function splitRows<T>(rows: readonly T[], f: SplitFractions, seed: number): { train: T[]; val: T[]; test: T[] } {
  const order = shuffledIndices(rows.length, seed).map((i) => rows[i] as T);
  const n = rows.length;
  const nTrain = Math.min(n, Math.round(n * f.train));
  const nVal = Math.min(n - nTrain, Math.round(n * f.val));
  return { train: order.slice(0, nTrain), val: order.slice(nTrain, nTrain + nVal), test: order.slice(nTrain + nVal) };
}

export interface LengthStats {
  mean: number;
  min: number;
  max: number;
}

export interface DatasetStats {
  rows: { total: number; train: number; val: number; test: number };
  /** Character lengths over rows whose field is a string; null when no row has one. */
  question: LengthStats | null;
  sql: LengthStats | null;
  /** Rows per difficulty 1..5 (an integer, or a string holding one, as CSV gives). */
  difficulty: Record<string, number>;
}

function lengths(rows: readonly Row[], field: string): LengthStats | null {
  const ls = rows.map((r) => r[field]).filter((v): v is string => typeof v === 'string').map((s) => s.length);
  if (ls.length === 0) return null;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const l of ls) {
    sum += l;
    min = Math.min(min, l);
    max = Math.max(max, l);
  }
  return { mean: Math.round((sum / ls.length) * 1000) / 1000, min, max };
}

export function datasetStats(rows: readonly Row[], split: { train: Row[]; val: Row[]; test: Row[] }): DatasetStats {
  const difficulty: Record<string, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  for (const r of rows) {
    const d = typeof r.difficulty === 'string' && /^\d+$/.test(r.difficulty) ? Number(r.difficulty) : r.difficulty;
    if (typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 5) difficulty[d] = (difficulty[d] ?? 0) + 1;
  }
  return {
    rows: { total: rows.length, train: split.train.length, val: split.val.length, test: split.test.length },
    question: lengths(rows, 'question'),
    sql: lengths(rows, 'sql'),
    difficulty,
  };
}
