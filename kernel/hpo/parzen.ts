/**
 * Univariate Parzen estimators for TPE, as Optuna 3.x's `_ParzenEstimator` (independent
 * sampling): one truncated-normal kernel per observation plus a prior kernel, bandwidth =
 * the larger gap to a sorted neighbour, clipped to [range / min(100, 1 + n), range].
 * Categorical parameters use one smoothed categorical kernel per observation.
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

function logSumExp(xs: number[]): number {
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

function mixtureWeights(obsWeights: readonly number[], priorWeight: number): number[] {
  const w = [...obsWeights, priorWeight];
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

/** Numerical kind: `log` works in log space; `step` (1 for ints) widens the range by step/2 and rounds. */
export interface NumericKind {
  low: number;
  high: number;
  log: boolean;
  step?: number;
}

export class NumericParzen {
  private readonly lo: number;
  private readonly hi: number;
  private readonly mus: number[];
  private readonly sigmas: number[];
  private readonly weights: number[];
  /** log of each kernel's mass inside [lo, hi], for the truncation. */
  private readonly logZ: number[];

  constructor(
    private readonly kind: NumericKind,
    observations: readonly number[],
    obsWeights: readonly number[],
    priorWeight = 1,
  ) {
    const tf = (x: number): number => (kind.log ? Math.log(x) : x);
    const half = (kind.step ?? 0) / 2;
    this.lo = tf(kind.low - half);
    this.hi = tf(kind.high + half);
    const range = this.hi - this.lo;
    const mus = [...observations.map(tf), 0.5 * (this.lo + this.hi)];
    const order = mus.map((_, i) => i).sort((a, b) => mus[a]! - mus[b]! || a - b);
    const ends = [this.lo, ...order.map((i) => mus[i]!), this.hi];
    const sorted = order.map((_, k) => Math.max(ends[k + 1]! - ends[k]!, ends[k + 2]! - ends[k + 1]!));
    if (ends.length >= 4) {
      // consider_endpoints=False: the outermost kernels take their inner gap, not the gap to the bound.
      sorted[0] = ends[2]! - ends[1]!;
      sorted[sorted.length - 1] = ends[ends.length - 2]! - ends[ends.length - 3]!;
    }
    const sigmas: number[] = new Array<number>(mus.length);
    order.forEach((i, k) => (sigmas[i] = sorted[k]!));
    const minSigma = range / Math.min(100, 1 + mus.length);
    for (let i = 0; i < sigmas.length; i++) sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i]!));
    sigmas[sigmas.length - 1] = range; // the prior kernel is always wide
    this.mus = mus;
    this.sigmas = sigmas;
    this.weights = mixtureWeights(obsWeights, priorWeight);
    this.logZ = mus.map((m, i) => Math.log(normalMass((this.lo - m) / sigmas[i]!, (this.hi - m) / sigmas[i]!)));
  }

  sample(rng: Rng, n: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = rng.pick(this.weights);
      const mu = this.mus[i]!;
      const sigma = this.sigmas[i]!;
      // Rejection is cheap: every centre lies inside the range, so acceptance is ≥ ~1/3.
      let x = mu + sigma * rng.normal();
      for (let tries = 0; (x < this.lo || x >= this.hi) && tries < 1000; tries++) x = mu + sigma * rng.normal();
      out.push(this.untransform(Math.min(this.hi, Math.max(this.lo, x))));
    }
    return out;
  }

  private untransform(x: number): number {
    const v = this.kind.log ? Math.exp(x) : x;
    const step = this.kind.step;
    if (!step) return Math.min(this.kind.high, Math.max(this.kind.low, v));
    return Math.min(this.kind.high, Math.max(this.kind.low, this.kind.low + Math.round((v - this.kind.low) / step) * step));
  }

  /** Log density (or, for stepped kinds, log probability of the value's cell). */
  logPdf(value: number): number {
    const step = this.kind.step;
    const terms = this.mus.map((mu, i) => {
      const sigma = this.sigmas[i]!;
      const lw = Math.log(this.weights[i]!) - this.logZ[i]!;
      if (step) {
        const tf = (x: number): number => (this.kind.log ? Math.log(x) : x);
        const a = Math.max(this.lo, tf(value - step / 2));
        const b = Math.min(this.hi, tf(value + step / 2));
        return lw + Math.log(Math.max(1e-300, normalMass((a - mu) / sigma, (b - mu) / sigma)));
      }
      const x = this.kind.log ? Math.log(value) : value;
      const z = (x - mu) / sigma;
      return lw - 0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - (this.kind.log ? x : 0);
    });
    return logSumExp(terms);
  }
}

export class CategoricalParzen {
  private readonly weights: number[];
  /** One row per kernel: a distribution over the choice indices. */
  private readonly rows: number[][];

  constructor(nChoices: number, observations: readonly number[], obsWeights: readonly number[], priorWeight = 1) {
    const nKernels = observations.length + 1;
    this.rows = Array.from({ length: nKernels }, (_, k) => {
      const row = Array.from({ length: nChoices }, () => priorWeight / nKernels);
      if (k < observations.length) row[observations[k]!]! += 1;
      const s = row.reduce((a, b) => a + b, 0);
      return row.map((x) => x / s);
    });
    this.weights = mixtureWeights(obsWeights, priorWeight);
  }

  sample(rng: Rng, n: number): number[] {
    return Array.from({ length: n }, () => rng.pick(this.rows[rng.pick(this.weights)]!));
  }

  logPdf(index: number): number {
    let p = 0;
    for (let k = 0; k < this.rows.length; k++) p += this.weights[k]! * this.rows[k]![index]!;
    return Math.log(p);
  }
}
