/**
 * Which steps of a plan the cache already holds, before running it: the editor's badges and
 * `sgr plan --cache`. A step's cache key covers the digests of the upstream outputs it
 * references, so it is only known once every upstream step's outputs are: walking in
 * dependency order, a step is `hit` when all its upstream steps are hits and its key (from
 * the lifecycle's own resolveStep, with the hits' cached outputs) is in the cache; `run` when
 * its key is known and missing (or the step opts out of the cache); `unknown` when an
 * upstream step will run, so its key cannot be known yet.
 */
import type { Plan } from '../common/plan';
import { effectiveDeps } from '../common/validate-plan';
import type { KernelServices } from '../lifecycle/context';
import { StepFailure } from '../lifecycle/failure';
import { resolveStep } from '../lifecycle/resolve';
import { lookupCache } from '../lifecycle/step-attempt';

export type CachePrediction = 'hit' | 'run' | 'unknown';

/**
 * @example predictCache(kernel.services(), loaded.plan).get('train') // 'hit'
 */
export function predictCache(k: Pick<KernelServices, 'journal' | 'cas' | 'skills'>, plan: Plan): Map<string, CachePrediction> {
  const out = new Map<string, CachePrediction>();
  const steps = new Map(plan.steps.map((s) => [s.id, s]));
  const deps = new Map(plan.steps.map((s) => [s.id, effectiveDeps(s).filter((d) => steps.has(d) && d !== s.id)]));
  const outputs = new Map<string, Record<string, unknown>>();
  // Kahn's order; steps on a cycle never become ready and stay unknown.
  const waiting = new Map([...deps].map(([id, ds]) => [id, ds.length]));
  const children = new Map<string, string[]>();
  for (const [id, ds] of deps) for (const d of ds) children.set(d, [...(children.get(d) ?? []), id]);
  const ready = plan.steps.filter((s) => waiting.get(s.id) === 0).map((s) => s.id);
  while (ready.length > 0) {
    const id = ready.shift()!;
    const step = steps.get(id)!;
    out.set(id, predictOne(k, plan, id, deps.get(id)!, out, outputs, step));
    for (const c of children.get(id) ?? []) {
      const w = waiting.get(c)! - 1;
      waiting.set(c, w);
      if (w === 0) ready.push(c);
    }
  }
  for (const s of plan.steps) if (!out.has(s.id)) out.set(s.id, 'unknown');
  return out;
}

function predictOne(
  k: Pick<KernelServices, 'journal' | 'cas' | 'skills'>,
  plan: Plan,
  id: string,
  deps: readonly string[],
  known: ReadonlyMap<string, CachePrediction>,
  outputs: Map<string, Record<string, unknown>>,
  step: Plan['steps'][number],
): CachePrediction {
  if (deps.some((d) => known.get(d) !== 'hit')) return 'unknown';
  const skill = k.skills.get(step.skill);
  if (!skill) return 'unknown';
  if (!step.cache) return 'run';
  let key: string;
  try {
    key = resolveStep(step, skill, outputs, plan.baseDir).cacheKey;
  } catch (err) {
    // The step would fail in its resolve phase (a missing output, an unreadable script): it runs, and fails.
    if (err instanceof StepFailure) return 'run';
    throw err;
  }
  const hit = lookupCache(k, key);
  if (!hit) return 'run';
  outputs.set(id, hit);
  return 'hit';
}
