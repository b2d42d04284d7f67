/** A sequential ask/tell loop over any sampler; the harness for tests and benchmarks. */
import type { Direction, Params, Sampler } from './space';

export interface StudyResult {
  best: number;
  bestParams: Params | undefined;
  /** Best-so-far after each trial. */
  trace: number[];
}

/** `runStudy(new TpeSampler(space, { seed }), (p) => f(p), 50)` → best value after 50 trials. */
export function runStudy(sampler: Sampler, objective: (p: Params) => number, nTrials: number, direction: Direction = 'minimize'): StudyResult {
  const better = (a: number, b: number): boolean => (direction === 'minimize' ? a < b : a > b);
  let best = direction === 'minimize' ? Infinity : -Infinity;
  let bestParams: Params | undefined;
  const trace: number[] = [];
  for (let i = 0; i < nTrials; i++) {
    const p = sampler.ask();
    if (!p) break;
    const v = objective(p);
    sampler.tell(p, v);
    if (better(v, best)) {
      best = v;
      bestParams = p;
    }
    trace.push(best);
  }
  return { best, bestParams, trace };
}
