/** Random search: every parameter drawn independently from its prior. */
import { Rng, sampleDist, type Params, type Sampler, type Space } from './space';

/** `new RandomSampler(space, { seed: 1 }).ask()` → `{ lr: 0.0031, layers: 4 }`. */
export class RandomSampler implements Sampler {
  private readonly rng: Rng;
  constructor(
    private readonly space: Space,
    opts: { seed?: number } = {},
  ) {
    this.rng = new Rng(opts.seed ?? 0);
  }
  ask(): Params {
    const p: Params = {};
    for (const [name, d] of Object.entries(this.space)) p[name] = sampleDist(d, this.rng);
    return p;
  }
  tell(): void {
    // Random search learns nothing from results.
  }
}
