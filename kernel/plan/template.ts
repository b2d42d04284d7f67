/**
 * Instantiates a sweep's template step for one trial: `${trial.<name>}` takes the trial's
 * value, `${steps.<template step>.outputs.<o>}` points at the same trial's copy,
 * `${prev.steps.…}` at the previous curriculum stage's copy (null for the first stage), and
 * `${members.steps.…}` at every ensemble member's copy (a list). Anything else — references
 * to fixed steps, `$${` escapes — is left for the kernel to resolve at run time.
 */
import type { PlanStep } from '../common/plan';
import { walkStrings } from '../common/refs';

export type Seg = string | number;

/** A problem in the file, by data path; load-experiment turns it into file:line:col. */
export interface ExpandProblem {
  path: Seg[];
  message: string;
  hint?: string;
}

export interface TrialEnv {
  /** Template step id → this trial's step id. */
  idOf: (templateId: string) => string;
  templateIds: ReadonlySet<string>;
  vars: Readonly<Record<string, unknown>>;
  /** Curriculum: template step id → the previous stage's copy, null in the first stage. */
  prev?: (templateId: string) => string | null;
  /** Ensemble aggregate: template step id → every member's copy. */
  members?: (templateId: string) => string[];
}

const TOKEN = /\$\$\{|\$\{([^}]*)\}/g;
const STEP_REF = /^(prev\.|members\.)?steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.(.+)$/;
const TRIAL_REF = /^trial\.(.+)$/;

type Eval = { value: unknown } | { keep: true } | { problem: string; hint?: string };

function evalExpr(expr: string, env: TrialEnv, whole: boolean): Eval {
  const t = TRIAL_REF.exec(expr);
  if (t) {
    const name = t[1]!;
    if (!(name in env.vars)) return { problem: `unknown trial value "\${trial.${name}}"`, hint: `this sweep's trials have: ${Object.keys(env.vars).map((k) => `trial.${k}`).join(', ')}` };
    return { value: env.vars[name] };
  }
  const s = STEP_REF.exec(expr);
  if (!s) return { keep: true };
  const [, scope, id, output] = s as unknown as [string, string | undefined, string, string];
  if (!env.templateIds.has(id)) {
    if (scope) return { problem: `"\${${expr}}": "${id}" is not a step of this sweep's template`, hint: `template steps: ${[...env.templateIds].join(', ')}` };
    return { keep: true };
  }
  const ref = (stepId: string) => `\${steps.${stepId}.outputs.${output}}`;
  if (scope === 'prev.') {
    if (!env.prev) return { problem: `"\${${expr}}": prev.steps only works inside a curriculum`, hint: 'use ${steps.<id>.outputs.<name>} for this trial’s own steps' };
    const p = env.prev(id);
    if (p === null && !whole) return { problem: `"\${${expr}}" is null in the first stage, so it must be the whole value`, hint: 'write the reference alone, e.g. init: "${prev.steps.train.outputs.adapter}"' };
    return { value: p === null ? null : ref(p) };
  }
  if (scope === 'members.') {
    if (!env.members) return { problem: `"\${${expr}}": members.steps only works in an ensemble's aggregate step` };
    if (!whole) return { problem: `"\${${expr}}" is a list, so it must be the whole value` };
    return { value: env.members(id).map(ref) };
  }
  return { value: ref(env.idOf(id)) };
}

const render = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function substitute(s: string, env: TrialEnv, report: (p: string, hint?: string) => void): unknown {
  const wholeMatch = /^\$\{([^}]*)\}$/.exec(s);
  if (wholeMatch) {
    const r = evalExpr(wholeMatch[1]!.trim(), env, true);
    if ('problem' in r) report(r.problem, r.hint);
    return 'value' in r ? r.value : s;
  }
  return s.replace(TOKEN, (m, expr: string | undefined) => {
    if (m === '$${') return m;
    const r = evalExpr((expr ?? '').trim(), env, false);
    if ('problem' in r) report(r.problem, r.hint);
    return 'value' in r ? render(r.value) : m;
  });
}

function mapStrings(value: unknown, fn: (s: string, path: string) => unknown, path = ''): unknown {
  if (typeof value === 'string') return fn(value, path);
  const at = (k: string) => (path === '' ? k : `${path}.${k}`);
  if (Array.isArray(value)) return value.map((v, i) => mapStrings(v, fn, at(String(i))));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn, at(k))]));
  }
  return value;
}

/**
 * Copies template step `step` (its id is the template id) for one trial.
 * `at` is the data path of the template step, for problems.
 * @example instantiate(trainStep, { idOf: (id) => `rank-c0-${id}`, templateIds, vars: { rank: 8 } }, path, problems)
 */
export function instantiate(step: PlanStep, env: TrialEnv, at: Seg[], problems: ExpandProblem[]): PlanStep {
  const field = (name: 'params' | 'inputs') =>
    mapStrings(step[name], (s, path) =>
      substitute(s, env, (message, hint) => problems.push({ path: [...at, name, ...path.split('.').filter((p) => p !== '')], message, ...(hint && { hint }) })),
    ) as Record<string, unknown>;
  const deps = step.deps.map((d) => (env.templateIds.has(d) ? env.idOf(d) : d));
  return { ...step, id: env.idOf(step.id), params: field('params'), inputs: field('inputs'), deps };
}

/** Template steps that no other template step depends on (by deps or references): a trial's last steps. */
export function templateSinks(steps: readonly PlanStep[]): string[] {
  const used = new Set<string>();
  const ids = new Set(steps.map((s) => s.id));
  for (const s of steps) {
    for (const d of s.deps) used.add(d);
    walkStrings({ p: s.params, i: s.inputs }, '', (str) => {
      for (const m of str.matchAll(/\$\{\s*steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\./g)) if (ids.has(m[1]!)) used.add(m[1]!);
    });
  }
  return steps.map((s) => s.id).filter((id) => !used.has(id));
}
