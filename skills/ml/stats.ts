/** Small-sample statistics for comparing trial configs: mean, sample std, Student-t 95% CI. */

/** t(0.975, df) for df = 1…30 (standard tables, 7 significant digits). */
const T975 = [
  12.7062047, 4.3026527, 3.1824463, 2.7764451, 2.5705818, 2.4469119, 2.3646243, 2.3060041, 2.2621572, 2.2281389,
  2.2009852, 2.1788128, 2.1603687, 2.1447867, 2.1314495, 2.1199053, 2.1098156, 2.100922, 2.0930241, 2.0859634,
  2.0796138, 2.0738731, 2.0686576, 2.0638986, 2.0595386, 2.0555294, 2.0518305, 2.0484071, 2.0452296, 2.0422725,
];

const Z975 = 1.959963984540054;

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom: a table up to 30, then
 * the Cornish–Fisher expansion around the normal quantile (error below 1e-6 there).
 * @example tQuantile975(2) === 4.3026527
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a whole number >= 1, got ${df}`);
  if (df <= T975.length) return T975[df - 1] as number;
  const z = Z975;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); null for a single value. */
  std: number | null;
  /** Half-width of the 95% confidence interval of the mean; null for a single value. */
  ciHalf: number | null;
}

/** @example summarize([1, 2, 3]) → { n: 3, mean: 2, std: 1, ciHalf: 4.3026527 / √3 } */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) throw new RangeError('summarize needs at least one value');
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { n, mean, std: null, ciHalf: null };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const std = Math.sqrt(variance);
  return { n, mean, std, ciHalf: (tQuantile975(n - 1) * std) / Math.sqrt(n) };
}
