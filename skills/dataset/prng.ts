/** A small seeded PRNG (mulberry32): the dataset skill never touches Math.random. */
import { mulberry32 as floats } from '../../kernel/common/prng';

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** @example const r = mulberry32(42); r.int(1, 6) */
export function mulberry32(seed: number): Rng {
  const next = floats(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    chance: (p) => next() < p,
  };
}

/** Fisher–Yates over 0..n-1, deterministic from the seed. */
export function shuffledIndices(n: number, seed: number): number[] {
  const rng = mulberry32(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return idx;
}
