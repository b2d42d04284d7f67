/**
 * Exponential moving average with debiasing (as TensorBoard's smoothing slider): weight 0
 * returns the input, 0.99 a very smooth curve; the first points are not pulled towards 0.
 * Non-finite values pass through and do not disturb the average.
 */
export function ema(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return [...values];
  const out = new Array<number>(values.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    n++;
    out[i] = last / (1 - Math.pow(w, n));
  }
  return out;
}
