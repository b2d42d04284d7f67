/**
 * Parzen estimators for TPE, as Optuna 3.1's `_ParzenEstimator`: a mixture with one kernel per
 * observation plus a prior kernel. Each kernel is a product over the parameters of a truncated
 * normal (numeric) or a smoothed categorical. Univariate TPE builds one single-parameter
 * mixture per parameter; multivariate TPE one joint mixture whose kernels keep the parameters
 * of an observation together.
 *
 * Bandwidths: univariate = the larger gap to a sorted neighbour (consider_endpoints=False);
 * multivariate = Scott-like 0.2·n^(-1/(d+4))·range. Both clipped to [range / min(100, 1 + n), range]
 * ("magic clip"); the prior kernel is centred with σ = range.
 */
import type { Rng } from './space';

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Complementary error function (Numerical Recipes erfcc; relative error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(a < Z < b) for a standard normal Z, computed on the tail side so tiny masses keep their digits. */
export function normalMass(a: number, b: number): number {
  if (a >= 0) return 0.5 * (erfc(a / SQRT2) - erfc(b / SQRT2));
  if (b <= 0) return 0.5 * (erfc(-b / SQRT2) - erfc(-a / SQRT2));
  return 1 - 0.5 * erfc(-a / SQRT2) - 0.5 * erfc(b / SQRT2);
}

function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** Optuna's default_weights: flat for < 25 observations, else older ones ramp down to 1/n. */
export function defaultWeights(n: number): number[] {
  if (n < 25) return Array.from({ length: n }, () => 1);
  const ramp = n - 25;
  const w: number[] = [];
  for (let i = 0; i < ramp; i++) w.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) w.push(1);
  return w;
}

/** Numerical kind: `log` works in log space; `step` (1 for ints) widens the range by step/2 and rounds. */
export interface NumericKind {
  low: number;
  high: number;
  log: boolean;
  step?: number;
}
/** One dimension of a mixture: numeric, or categorical over `n` choice indices. */
export type ParzenDim = { kind: 'numeric'; numeric: NumericKind } | { kind: 'categorical'; n: number };

export interface ParzenOptions {
  priorWeight?: number;
  /** Scott-like shared bandwidth (multivariate TPE) instead of the neighbour-gap rule. */
  multivariate?: boolean;
  /**
   * Optuna ≤ 3.1 scores a truncated-normal kernel as log φ(z) − log Z, without the −log σ of a true
   * density: each kernel then counts in proportion to its bandwidth. It measurably helps on
   * Branin and Hartmann-6 (see BENCHMARKS.md), so it is the default; false gives true densities.
   */
  bandwidthWeighted?: boolean;
}

interface NumericTable {
  type: 'numeric';
  kind: NumericKind;
  lo: number;
  hi: number;
  mus: number[];
  sigmas: number[];
  /** log of each kernel's mass inside [lo, hi], for the truncation. */
  logZ: number[];
}
interface CategoricalTable {
  type: 'categorical';
  /** One row per kernel: a distribution over the choice indices. */
  rows: number[][];
}

const tf = (k: NumericKind, x: number): number => (k.log ? Math.log(x) : x);

/**
 * A mixture over `dims.length` parameters fitted to `observations` (one row per observation, one
 * internal value per dim: a number, or a choice index). Example:
 * `new ParzenMixture([{ kind: 'numeric', numeric: { low: 0, high: 1, log: false } }], [[0.2], [0.3]], [1, 1]).logPdf([0.25])`.
 */
export class ParzenMixture {
  private readonly weights: number[];
  private readonly logWeights: number[];
  private readonly tables: Array<NumericTable | CategoricalTable>;
  private readonly bandwidthWeighted: boolean;

  constructor(
    private readonly dims: readonly ParzenDim[],
    observations: ReadonlyArray<readonly number[]>,
    obsWeights: readonly number[],
    opts: ParzenOptions = {},
  ) {
    const priorWeight = opts.priorWeight ?? 1;
    this.bandwidthWeighted = opts.bandwidthWeighted ?? true;
    const n = observations.length;
    const w = [...obsWeights.slice(0, n), priorWeight];
    const total = w.reduce((a, b) => a + b, 0);
    this.weights = w.map((x) => x / total);
    this.logWeights = this.weights.map((x) => Math.log(x));
    const sigma0 = opts.multivariate ? 0.2 * Math.max(n, 1) ** (-1 / (dims.length + 4)) : undefined;
    this.tables = dims.map((d, j) => {
      const col = observations.map((o) => o[j]!);
      return d.kind === 'categorical' ? categoricalTable(d.n, col, priorWeight) : numericTable(d.numeric, col, sigma0);
    });
  }

  /** `n` draws, each a row of internal values (numbers, or choice indices). */
  sample(rng: Rng, n: number): number[][] {
    const out: number[][] = [];
    for (let k = 0; k < n; k++) {
      const i = rng.pick(this.weights);
      out.push(this.tables.map((t) => (t.type === 'categorical' ? rng.pick(t.rows[i]!) : sampleNumeric(t, i, rng))));
    }
    return out;
  }

  /** Log density of one row (for stepped kinds, the log probability of the value's cell). */
  logPdf(row: readonly number[]): number {
    const terms = this.logWeights.slice();
    this.tables.forEach((t, j) => {
      const v = row[j]!;
      for (let i = 0; i < terms.length; i++) terms[i]! += t.type === 'categorical' ? Math.log(t.rows[i]![v]!) : this.numericLogPdf(t, i, v);
    });
    return logSumExp(terms);
  }

  private numericLogPdf(t: NumericTable, i: number, value: number): number {
    const mu = t.mus[i]!;
    const sigma = t.sigmas[i]!;
    const step = t.kind.step;
    if (step) {
      const a = Math.max(t.lo, tf(t.kind, value - step / 2));
      const b = Math.min(t.hi, tf(t.kind, value + step / 2));
      return Math.log(Math.max(1e-300, normalMass((a - mu) / sigma, (b - mu) / sigma))) - t.logZ[i]!;
    }
    const z = (tf(t.kind, value) - mu) / sigma;
    return -0.5 * z * z - LOG_SQRT_2PI - t.logZ[i]! - (this.bandwidthWeighted ? 0 : Math.log(sigma));
  }
}

function categoricalTable(nChoices: number, col: readonly number[], priorWeight: number): CategoricalTable {
  const nKernels = col.length + 1;
  const rows = Array.from({ length: nKernels }, (_, k) => {
    const row = Array.from({ length: nChoices }, () => priorWeight / nKernels);
    if (k < col.length) row[col[k]!]! += 1;
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((x) => x / s);
  });
  return { type: 'categorical', rows };
}

function numericTable(kind: NumericKind, col: readonly number[], sigma0: number | undefined): NumericTable {
  const half = (kind.step ?? 0) / 2;
  const lo = tf(kind, kind.low - half);
  const hi = tf(kind, kind.high + half);
  const range = hi - lo;
  const mus = [...col.map((x) => tf(kind, x)), 0.5 * (lo + hi)];
  let sigmas: number[];
  if (sigma0 !== undefined) {
    sigmas = mus.map(() => sigma0 * range);
  } else {
    const order = mus.map((_, i) => i).sort((a, b) => mus[a]! - mus[b]! || a - b);
    const ends = [lo, ...order.map((i) => mus[i]!), hi];
    const sorted = order.map((_, k) => Math.max(ends[k + 1]! - ends[k]!, ends[k + 2]! - ends[k + 1]!));
    if (ends.length >= 4) {
      // consider_endpoints=False: the outermost kernels take their inner gap, not the gap to the bound.
      sorted[0] = ends[2]! - ends[1]!;
      sorted[sorted.length - 1] = ends[ends.length - 2]! - ends[ends.length - 3]!;
    }
    sigmas = new Array<number>(mus.length);
    order.forEach((i, k) => (sigmas[i] = sorted[k]!));
  }
  const minSigma = range / Math.min(100, 1 + mus.length);
  for (let i = 0; i < sigmas.length; i++) sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i]!));
  sigmas[sigmas.length - 1] = range; // the prior kernel is always wide
  const logZ = mus.map((m, i) => Math.log(normalMass((lo - m) / sigmas[i]!, (hi - m) / sigmas[i]!)));
  return { type: 'numeric', kind, lo, hi, mus, sigmas, logZ };
}

function sampleNumeric(t: NumericTable, i: number, rng: Rng): number {
  const mu = t.mus[i]!;
  const sigma = t.sigmas[i]!;
  // Rejection is cheap: every centre lies inside the range and σ ≥ range/100, so acceptance is ≥ ~1/3.
  let x = mu + sigma * rng.normal();
  for (let tries = 0; (x < t.lo || x >= t.hi) && tries < 1000; tries++) x = mu + sigma * rng.normal();
  x = Math.min(t.hi, Math.max(t.lo, x));
  const k = t.kind;
  const v = k.log ? Math.exp(x) : x;
  if (!k.step) return Math.min(k.high, Math.max(k.low, v));
  return Math.min(k.high, Math.max(k.low, k.low + Math.round((v - k.low) / k.step) * k.step));
}
