/** Grid search: the cartesian product of value lists, in a fixed order. */
import type { Params, Sampler, Value } from './space';

/**
 * Every combination exactly once; the first key varies slowest, the last fastest.
 * `gridPoints({ a: [1, 2], b: ['x', 'y'] })` → `[{a:1,b:'x'}, {a:1,b:'y'}, {a:2,b:'x'}, {a:2,b:'y'}]`.
 */
export function gridPoints(lists: Record<string, readonly Value[]>): Params[] {
  let out: Params[] = [{}];
  for (const [name, values] of Object.entries(lists)) {
    if (values.length === 0) throw new Error(`grid: parameter "${name}" has no values`);
    out = out.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  return out;
}

/** Hands out `gridPoints(lists)` one by one; `ask()` returns undefined once exhausted. */
export class GridSampler implements Sampler {
  private readonly points: Params[];
  private next = 0;
  constructor(lists: Record<string, readonly Value[]>) {
    this.points = gridPoints(lists);
  }
  get size(): number {
    return this.points.length;
  }
  ask(): Params | undefined {
    return this.points[this.next++];
  }
  tell(): void {
    // The grid is fixed in advance.
  }
}
