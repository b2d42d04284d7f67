/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011) with Optuna 3.x's defaults:
 * 10 random startup trials, gamma(n) = min(ceil(0.1·n), 25) trials in the "good" group,
 * 24 candidates drawn from l(x) and the one maximizing l(x)/g(x) kept, prior weight 1,
 * older observations down-weighted past 25, each parameter sampled independently.
 */
import { CategoricalParzen, NumericParzen, defaultWeights, type NumericKind } from './parzen';
import { Rng, sampleDist, type Direction, type Dist, type Params, type Sampler, type Space } from './space';

export interface TpeOptions {
  seed?: number;
  direction?: Direction;
  nStartupTrials?: number;
  nEiCandidates?: number;
  priorWeight?: number;
  /** Size of the "good" group given the number of finished trials. */
  gamma?: (n: number) => number;
}

export const defaultGamma = (n: number): number => Math.min(Math.ceil(0.1 * n), 25);

/**
 * Deterministic for a seed. Example:
 * `const s = new TpeSampler({ x: uniform(-5, 5) }, { seed: 1 }); const p = s.ask(); s.tell(p, (p.x as number) ** 2);`
 */
export class TpeSampler implements Sampler {
  private readonly rng: Rng;
  private readonly trials: Array<{ params: Params; value: number }> = [];
  private readonly direction: Direction;
  private readonly nStartup: number;
  private readonly nCandidates: number;
  private readonly priorWeight: number;
  private readonly gamma: (n: number) => number;

  constructor(
    private readonly space: Space,
    opts: TpeOptions = {},
  ) {
    this.rng = new Rng(opts.seed ?? 0);
    this.direction = opts.direction ?? 'minimize';
    this.nStartup = opts.nStartupTrials ?? 10;
    this.nCandidates = opts.nEiCandidates ?? 24;
    this.priorWeight = opts.priorWeight ?? 1;
    this.gamma = opts.gamma ?? defaultGamma;
  }

  /** Finished trials so far (NaN results are dropped, as Optuna drops failed trials). */
  get history(): ReadonlyArray<{ params: Params; value: number }> {
    return this.trials;
  }

  ask(): Params {
    const p: Params = {};
    if (this.trials.length < this.nStartup) {
      for (const [name, d] of Object.entries(this.space)) p[name] = sampleDist(d, this.rng);
      return p;
    }
    const { below, above } = this.split();
    for (const [name, d] of Object.entries(this.space)) p[name] = this.sampleParam(name, d, below, above);
    return p;
  }

  tell(params: Params, value: number): void {
    if (Number.isNaN(value)) return;
    this.trials.push({ params, value });
  }

  /** Trials split into the best gamma(n) and the rest, each kept in trial order. */
  private split(): { below: Params[]; above: Params[] } {
    const sign = this.direction === 'minimize' ? 1 : -1;
    const order = this.trials.map((_, i) => i).sort((a, b) => sign * (this.trials[a]!.value - this.trials[b]!.value) || a - b);
    const nBelow = Math.min(this.trials.length, this.gamma(this.trials.length));
    const isBelow = new Set(order.slice(0, nBelow));
    const below: Params[] = [];
    const above: Params[] = [];
    this.trials.forEach((t, i) => (isBelow.has(i) ? below : above).push(t.params));
    return { below, above };
  }

  private sampleParam(name: string, d: Dist, below: Params[], above: Params[]): Params[string] {
    const obs = (group: Params[]): Params[string][] => group.map((p) => p[name]).filter((v): v is Params[string] => v !== undefined);
    const ob = obs(below);
    const oa = obs(above);
    if (d.type === 'choice') {
      const idx = (vs: Params[string][]): number[] => vs.map((v) => d.values.indexOf(v)).filter((i) => i >= 0);
      const ib = idx(ob);
      const ia = idx(oa);
      const l = new CategoricalParzen(d.values.length, ib, defaultWeights(ib.length), this.priorWeight);
      const g = new CategoricalParzen(d.values.length, ia, defaultWeights(ia.length), this.priorWeight);
      const best = this.argmaxRatio(l.sample(this.rng, this.nCandidates), (x) => l.logPdf(x) - g.logPdf(x));
      return d.values[best]!;
    }
    const kind: NumericKind = { low: d.low, high: d.high, log: d.type === 'loguniform', ...(d.type === 'int' ? { step: 1 } : {}) };
    const nb = ob as number[];
    const na = oa as number[];
    const l = new NumericParzen(kind, nb, defaultWeights(nb.length), this.priorWeight);
    const g = new NumericParzen(kind, na, defaultWeights(na.length), this.priorWeight);
    return this.argmaxRatio(l.sample(this.rng, this.nCandidates), (x) => l.logPdf(x) - g.logPdf(x));
  }

  private argmaxRatio(candidates: number[], score: (x: number) => number): number {
    let best = candidates[0]!;
    let bestScore = -Infinity;
    for (const c of candidates) {
      const s = score(c);
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    return best;
  }
}
