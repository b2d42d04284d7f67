/**
 * OOM recovery (D6): the next attempt of a step that ran out of memory asks for more memory
 * (`retry.oom.memoryFactor` × resources.memoryMb) and/or a smaller batch (the numeric
 * param at the dotted path `retry.oom.param` × `paramFactor`, rounded down, at least
 * `paramMin`, default 1). The change is journaled as a `step.oom_adjusted` event, which
 * also lets a resumed run pick up where the adjustments stopped.
 */
import type { PlanStep } from '../common/plan';

export interface OomChange {
  memoryMb?: { from: number; to: number };
  param?: { path: string; from: number; to: number };
  /** Why a configured change could not be made (the param is a reference, no memoryMb…). */
  notes: string[];
}

/**
 * @example oomAdjust({ ...step, params: { args: [64] }, retry: { ...r, oom: { param: 'args.0', paramFactor: 0.5 } } })
 *   // { step: <args [32]>, change: { param: { path: 'args.0', from: 64, to: 32 }, notes: [] } }
 */
export function oomAdjust(step: PlanStep): { step: PlanStep; change: OomChange } | null {
  const policy = step.retry.oom;
  if (!policy) return null;
  const change: OomChange = { notes: [] };
  let next: PlanStep = step;
  if (policy.memoryFactor !== undefined) {
    const from = step.resources?.memoryMb;
    if (from === undefined) change.notes.push(`retry.oom.memoryFactor: step "${step.id}" has no resources.memoryMb to scale`);
    else {
      const to = Math.ceil(from * policy.memoryFactor);
      next = { ...next, resources: { ...next.resources, memoryMb: to } };
      change.memoryMb = { from, to };
    }
  }
  if (policy.param !== undefined) {
    const from = getPath(step.params, policy.param);
    if (typeof from !== 'number') {
      change.notes.push(`retry.oom.param: params.${policy.param} of step "${step.id}" is ${from === undefined ? 'missing' : `not a number (${JSON.stringify(from)})`}; it cannot be scaled`);
    } else {
      const to = Math.max(policy.paramMin ?? 1, Math.floor(from * (policy.paramFactor ?? 0.5)));
      next = { ...next, params: setPath(next.params, policy.param, to) as Record<string, unknown> };
      change.param = { path: policy.param, from, to };
    }
  }
  return { step: next, change };
}

/** Applies the values a journaled change set (`to`), for a resumed run. */
export function applyOomChange(step: PlanStep, change: Pick<OomChange, 'memoryMb' | 'param'>): PlanStep {
  let next = step;
  if (change.memoryMb) next = { ...next, resources: { ...next.resources, memoryMb: change.memoryMb.to } };
  if (change.param) next = { ...next, params: setPath(next.params, change.param.path, change.param.to) as Record<string, unknown> };
  return next;
}

/** A human line for warnings: "memoryMb 512 → 1024, args.0 64 → 32". */
export function describeOomChange(c: OomChange): string {
  const parts = [
    ...(c.memoryMb ? [`resources.memoryMb ${c.memoryMb.from} → ${c.memoryMb.to}`] : []),
    ...(c.param ? [`params.${c.param.path} ${c.param.from} → ${c.param.to}`] : []),
  ];
  return [parts.length > 0 ? parts.join(', ') : 'nothing changed', ...c.notes].join('; ');
}

function getPath(root: unknown, path: string): unknown {
  let cur = root;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A copy of `root` with `path` set (arrays stay arrays); never mutates the plan. */
function setPath(root: unknown, path: string, value: unknown): unknown {
  const [key, ...rest] = path.split('.') as [string, ...string[]];
  const inner = rest.length === 0 ? value : setPath((root as Record<string, unknown> | undefined)?.[key], rest.join('.'), value);
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[Number(key)] = inner;
    return copy;
  }
  return { ...(root as Record<string, unknown> | undefined), [key]: inner };
}
