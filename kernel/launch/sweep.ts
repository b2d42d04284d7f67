/**
 * A sweep from the launch dialog: one parameter of one step, set to each trial's value in a
 * copy of the plan. Every copy is checked by the kernel's validator before any run is
 * created, so a wrong step, path or value is a clear bad_input naming the step and param.
 */
import { KernelError } from '../api/errors';
import type { Kernel } from '../api/kernel';
import type { LaunchSweep } from '../common/contract-launch';
import type { Plan } from '../common/plan';
import { RandomSampler } from '../hpo/random';
import { distSchema, type Dist, type Space, type Value } from '../hpo/space';

const bad = (message: string) => new KernelError('BAD_INPUT', message);

/** `sweep.step "train", param "lr"` — how messages name the swept parameter. */
const named = (s: Pick<LaunchSweep, 'step' | 'param'>) => `sweep: step "${s.step}", param "${s.param}"`;

/**
 * A copy of `plan` with `value` at the dotted `param` path inside step `stepId`'s params.
 * Missing maps on the way are created; anything else on the way (a list, a reference string)
 * is refused, since the value would replace or vanish into it.
 * @example withParam(plan, 'train', 'overrides.rank', 16).steps[1].params // { overrides: { rank: 16 } }
 */
export function withParam(plan: Plan, stepId: string, param: string, value: Value): Plan {
  const index = plan.steps.findIndex((s) => s.id === stepId);
  if (index < 0) throw bad(`sweep: the plan has no step "${stepId}" (steps: ${plan.steps.map((s) => s.id).join(', ')})`);
  const segs = param.split('.');
  if (segs.some((s) => s === '' || s === '__proto__' || s === 'constructor' || s === 'prototype')) throw bad(`${named({ step: stepId, param })}: not a dotted path of parameter names`);
  const params = structuredClone(plan.steps[index]!.params);
  let node: Record<string, unknown> = params;
  segs.slice(0, -1).forEach((seg, i) => {
    const next = node[seg];
    if (next === undefined) node[seg] = {};
    else if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const at = segs.slice(0, i + 1).join('.');
      throw bad(`${named({ step: stepId, param })}: params.${at} is ${Array.isArray(next) ? 'a list' : JSON.stringify(next)}, not a map of parameters`);
    }
    node = node[seg] as Record<string, unknown>;
  });
  node[segs[segs.length - 1]!] = value;
  const steps = plan.steps.map((s, i) => (i === index ? { ...s, params } : s));
  return { ...plan, steps };
}

/** The plan with `value` swept in, refused with the validator's words when it does not validate. */
export function trialPlan(kernel: Kernel, plan: Plan, sweep: Pick<LaunchSweep, 'step' | 'param'>, value: Value): Plan {
  const p = withParam(plan, sweep.step, sweep.param, value);
  const issues = kernel.validate(p);
  if (issues.length > 0) {
    const why = issues.map((i) => `${i.stepId ? `step "${i.stepId}" ` : ''}${i.field}: ${i.message}`).join('; ');
    throw bad(`${named(sweep)} = ${JSON.stringify(value)}: ${why}`);
  }
  return p;
}

/** The one-parameter search space of a random or TPE sweep. */
export function sweepSpace(sweep: LaunchSweep): Space {
  if (!sweep.range) throw bad(`${named(sweep)}: ${sweep.protocol} needs a range { low, high }`);
  const { low, high, log, int } = sweep.range;
  const dist: Dist = int ? { type: 'int', low, high } : log ? { type: 'loguniform', low, high } : { type: 'uniform', low, high };
  const ok = distSchema.safeParse(dist);
  if (!ok.success) throw bad(`${named(sweep)}: range ${ok.error.issues.map((i) => i.message).join('; ')}`);
  return { [sweep.param]: dist };
}

/**
 * The values of a grid or random sweep, at most `maxRuns`; null for TPE (its values come
 * batch by batch from the results).
 * @example sweepValues({ protocol: 'random', range: { low: 0, high: 1 }, trials: 3, seed: 7, … }) // the same 3 values for seed 7, every time
 */
export function sweepValues(sweep: LaunchSweep, maxRuns = Infinity): Value[] | null {
  if (sweep.protocol === 'grid') {
    if (!sweep.values) throw bad(`${named(sweep)}: grid needs values`);
    return sweep.values.slice(0, maxRuns);
  }
  if (!sweep.trials) throw bad(`${named(sweep)}: ${sweep.protocol} needs trials (how many runs)`);
  const space = sweepSpace(sweep);
  if (sweep.protocol === 'tpe') return null;
  const sampler = new RandomSampler(space, { seed: sweep.seed });
  return Array.from({ length: Math.min(sweep.trials, maxRuns) }, () => sampler.ask()[sweep.param]!);
}
