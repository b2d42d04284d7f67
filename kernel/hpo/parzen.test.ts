/** Parity of the Parzen estimators with Optuna 3.1's `_ParzenEstimator.log_pdf` (values computed by Optuna). */
import { describe, expect, it } from 'vitest';
import { ParzenMixture, defaultWeights, type ParzenDim } from './parzen';
import { Rng } from './space';

const float = (low: number, high: number): ParzenDim => ({ kind: 'numeric', numeric: { low, high, log: false } });
const int = (low: number, high: number): ParzenDim => ({ kind: 'numeric', numeric: { low, high, log: false, step: 1 } });

describe('ParzenMixture matches Optuna 3.1', () => {
  it('univariate float (neighbour-gap bandwidths, magic clip, bandwidth-weighted kernels)', () => {
    const pe = new ParzenMixture([float(-5, 10)], [[9.156221], [5.227304], [0.392619], [2.5]], defaultWeights(4));
    const got = [1.555479, 5.464468, -4.096618, 9.9].map((x) => pe.logPdf([x]));
    [-0.8334147498733544, -0.838845013309399, -1.5433939641267886, -1.010348910909396].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
  });
  it('univariate int (cell masses)', () => {
    const pe = new ParzenMixture([int(0, 20)], [[15], [20], [3]], defaultWeights(3));
    const got = [15, 13, 0].map((x) => pe.logPdf([x]));
    [-2.7753989916092228, -2.901053127461456, -3.496609500519077].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
  });
  it('multivariate float × int × categorical (Scott-like bandwidth)', () => {
    const dims: ParzenDim[] = [float(0, 1), int(0, 10), { kind: 'categorical', n: 3 }];
    const pe = new ParzenMixture(dims, [[0.1, 2, 0], [0.7, 5, 2], [0.4, 9, 2]], defaultWeights(3), { multivariate: true });
    expect(pe.logPdf([0.15, 2, 0])).toBeCloseTo(-3.572923669731661, 5);
    expect(pe.logPdf([0.9, 7, 1])).toBeCloseTo(-4.74566188627506, 5);
  });
  it('samples inside the bounds, on the int grid', () => {
    const pe = new ParzenMixture([float(0, 1), int(0, 10)], [[0.99, 10], [0.01, 0]], defaultWeights(2), { multivariate: true });
    for (const [x, n] of pe.sample(new Rng(1), 500)) {
      expect(x! >= 0 && x! <= 1).toBe(true);
      expect(Number.isInteger(n) && n! >= 0 && n! <= 10).toBe(true);
    }
  });
});
