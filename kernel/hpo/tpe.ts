/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011) with Optuna 3.1's defaults:
 * 10 random startup trials, gamma(n) = min(ceil(0.1·n), 25) trials in the "good" group,
 * 24 candidates drawn from l(x) and the one maximizing l(x)/g(x) kept, prior weight 1,
 * older observations down-weighted past 25. Univariate (each parameter on its own, Optuna's
 * default) or multivariate (one joint estimator). Pruned trials rank after completed ones, by
 * the step they reached then their last value, as Optuna ranks them; pending trials (constant
 * liar) always land in the "bad" group so a batch spreads out.
 */
import { ParzenMixture, defaultWeights, type ParzenDim } from './parzen';
import { Rng, inDist, sampleDist, type Direction, type Dist, type Params, type Sampler, type Space, type Value } from './space';

export interface TpeOptions {
  seed?: number;
  direction?: Direction;
  nStartupTrials?: number;
  nEiCandidates?: number;
  priorWeight?: number;
  /** Size of the "good" group given the number of finished trials. */
  gamma?: (n: number) => number;
  /** One joint estimator over all parameters instead of one per parameter. */
  multivariate?: boolean;
  /** Optuna ≤ 3.1 kernel scoring (see ParzenOptions.bandwidthWeighted); default true. */
  bandwidthWeighted?: boolean;
  /**
   * Local refinement of the best EI candidate: `steps` Gaussian perturbations (σ = `scale` × range
   * per numeric parameter), each kept when it raises l(x)/g(x). Off by default (Optuna has none).
   */
  refine?: { steps: number; scale: number };
}

export const defaultGamma = (n: number): number => Math.min(Math.ceil(0.1 * n), 25);

/** How a trial ranks: completed (−∞) before pruned (−step) before pending (+∞); then by value. */
interface Observation {
  params: Params;
  rank: number;
  /** Value with the sign making smaller better. */
  loss: number;
}

/**
 * Deterministic for a seed. Example:
 * `const s = new TpeSampler({ x: uniform(-5, 5) }, { seed: 1 }); const p = s.ask(); s.tell(p, (p.x as number) ** 2);`
 */
export class TpeSampler implements Sampler {
  private readonly rng: Rng;
  private readonly obs: Observation[] = [];
  private readonly completed: Array<{ params: Params; value: number }> = [];
  private readonly sign: number;
  private readonly nStartup: number;
  private readonly nCandidates: number;
  private readonly gamma: (n: number) => number;
  private readonly multivariate: boolean;
  private readonly parzen: { priorWeight: number; bandwidthWeighted: boolean };
  private readonly refine: { steps: number; scale: number } | undefined;

  constructor(
    private readonly space: Space,
    opts: TpeOptions = {},
  ) {
    this.rng = new Rng(opts.seed ?? 0);
    this.sign = (opts.direction ?? 'minimize') === 'minimize' ? 1 : -1;
    this.nStartup = opts.nStartupTrials ?? 10;
    this.nCandidates = opts.nEiCandidates ?? 24;
    this.gamma = opts.gamma ?? defaultGamma;
    this.multivariate = opts.multivariate ?? false;
    this.parzen = { priorWeight: opts.priorWeight ?? 1, bandwidthWeighted: opts.bandwidthWeighted ?? true };
    this.refine = opts.refine && opts.refine.steps > 0 ? opts.refine : undefined;
  }

  /** Completed trials so far (NaN results are dropped, as Optuna drops failed trials). */
  get history(): ReadonlyArray<{ params: Params; value: number }> {
    return this.completed;
  }

  /** Completed and pruned trials: the count the startup phase and gamma(n) go by. */
  get nFinished(): number {
    return this.obs.filter((o) => o.rank < Infinity).length;
  }

  ask(): Params {
    const n = this.nFinished;
    const p: Params = {};
    if (n < this.nStartup) {
      for (const [name, d] of Object.entries(this.space)) p[name] = sampleDist(d, this.rng);
      return p;
    }
    const { below, above } = this.split(this.gamma(n));
    const entries = Object.entries(this.space);
    if (this.multivariate) {
      Object.assign(p, this.sampleGroup(entries, below, above));
    } else {
      for (const e of entries) Object.assign(p, this.sampleGroup([e], below, above));
    }
    return p;
  }

  tell(params: Params, value: number): void {
    if (Number.isNaN(value)) return;
    this.completed.push({ params, value });
    this.obs.push({ params, rank: -Infinity, loss: this.sign * value });
  }

  /**
   * A pruned trial: ranked by the last step it reported, then that step's value (NaN = worst);
   * with no intermediate value at all it ranks last among finished trials, as in Optuna.
   */
  tellPruned(params: Params, last?: { step: number; value: number }): void {
    if (!last) this.obs.push({ params, rank: 1, loss: 0 });
    else this.obs.push({ params, rank: -last.step, loss: Number.isNaN(last.value) ? Infinity : this.sign * last.value });
  }

  /** A trial asked but not finished (constant liar): counted as worse than every finished trial. */
  tellPending(params: Params): void {
    this.obs.push({ params, rank: Infinity, loss: Infinity });
  }

  /** Trials split into the best nBelow and the rest, each kept in trial order. */
  private split(nBelow: number): { below: Params[]; above: Params[] } {
    const o = this.obs;
    const order = o.map((_, i) => i).sort((a, b) => o[a]!.rank - o[b]!.rank || o[a]!.loss - o[b]!.loss || a - b);
    const isBelow = new Set(order.slice(0, Math.min(o.length, nBelow)));
    const below: Params[] = [];
    const above: Params[] = [];
    o.forEach((t, i) => (isBelow.has(i) ? below : above).push(t.params));
    return { below, above };
  }

  private sampleGroup(entries: ReadonlyArray<[string, Dist]>, below: Params[], above: Params[]): Params {
    const dims: ParzenDim[] = entries.map(([, d]) =>
      d.type === 'choice' ? { kind: 'categorical', n: d.values.length } : { kind: 'numeric', numeric: { low: d.low, high: d.high, log: d.type === 'loguniform', ...(d.type === 'int' ? { step: 1 } : {}) } },
    );
    // A trial counts for this group only when it holds a valid value for every parameter in it.
    const rows = (group: Params[]): number[][] =>
      group.flatMap((p) => {
        const row: number[] = [];
        for (const [name, d] of entries) {
          const v = p[name];
          if (v === undefined || !inDist(d, v)) return [];
          row.push(d.type === 'choice' ? d.values.indexOf(v) : (v as number));
        }
        return [row];
      });
    const rb = rows(below);
    const ra = rows(above);
    const opts = { ...this.parzen, multivariate: this.multivariate };
    const l = new ParzenMixture(dims, rb, defaultWeights(rb.length), opts);
    const g = new ParzenMixture(dims, ra, defaultWeights(ra.length), opts);
    let best: number[] = [];
    let bestScore = -Infinity;
    for (const c of l.sample(this.rng, this.nCandidates)) {
      const s = l.logPdf(c) - g.logPdf(c);
      if (s > bestScore || best.length === 0) {
        bestScore = s;
        best = c;
      }
    }
    if (this.refine) {
      const { steps, scale } = this.refine;
      for (let k = 0; k < steps; k++) {
        const c = best.map((v, j) => {
          const d = entries[j]![1];
          if (d.type === 'choice') return v;
          const log = d.type === 'loguniform';
          const lo = log ? Math.log(d.low) : d.low;
          const hi = log ? Math.log(d.high) : d.high;
          const x = Math.min(hi, Math.max(lo, (log ? Math.log(v) : v) + scale * (hi - lo) * this.rng.normal()));
          const y = log ? Math.min(d.high, Math.max(d.low, Math.exp(x))) : x;
          return d.type === 'int' ? Math.round(y) : y;
        });
        const s = l.logPdf(c) - g.logPdf(c);
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
    }
    const out: Params = {};
    entries.forEach(([name, d], j) => (out[name] = d.type === 'choice' ? (d.values[best[j]!] as Value) : best[j]!));
    return out;
  }
}
