/**
 * Static validation of a Plan (K1). Reports every problem at once, each naming the step
 * and the field, so an editor or the CLI can point at it.
 */
import type { z } from 'zod';
import { findCycles } from './dag';
import type { Plan, PlanIssue, PlanStep } from './plan';
import { findRefs } from './refs';

/** What the validator needs to know about skills (the kernel's registry satisfies it). */
export interface SkillCatalog {
  get(name: string): { params: z.ZodType } | undefined;
  names(): string[];
}

export interface ValidateOptions {
  skills: SkillCatalog;
  targets: readonly string[];
  /** Appended to an unknown-target message: where targets are declared (targets.yaml's path, or its problems). */
  targetsHint?: string;
}

/** Each step's dependencies: explicit `deps` plus those implied by references. */
export function effectiveDeps(step: PlanStep): string[] {
  const implied = [...findRefs(step.params, '').refs, ...findRefs(step.inputs, '').refs].map((r) => r.stepId);
  return [...new Set([...step.deps, ...implied])].sort();
}

/** @example validatePlan(plan, { skills: registry, targets: ['local'] }) → [] when valid */
export function validatePlan(plan: Plan, opts: ValidateOptions): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const ids = new Set<string>();
  for (const step of plan.steps) {
    if (ids.has(step.id)) issues.push({ stepId: step.id, field: 'id', message: `duplicate step id "${step.id}"` });
    ids.add(step.id);
  }
  if (plan.steps.length === 0) issues.push({ stepId: null, field: 'steps', message: 'the plan has no steps' });

  for (const step of plan.steps) {
    checkSkill(step, opts, issues);
    if (!opts.targets.includes(step.target)) {
      issues.push({
        stepId: step.id,
        field: 'target',
        message: `unknown target "${step.target}" (known: ${opts.targets.join(', ')}${opts.targetsHint ? `; ${opts.targetsHint}` : ''})`,
      });
    }
    step.deps.forEach((d, i) => {
      if (!ids.has(d)) issues.push({ stepId: step.id, field: `deps.${i}`, message: `depends on unknown step "${d}"`, depId: d });
      if (d === step.id) issues.push({ stepId: step.id, field: `deps.${i}`, message: 'a step cannot depend on itself', depId: d });
    });
    for (const [base, value] of [['params', step.params], ['inputs', step.inputs]] as const) {
      const { refs, problems } = findRefs(value, base);
      for (const p of problems) issues.push({ stepId: step.id, field: p.path, message: p.message });
      for (const r of refs) {
        if (!ids.has(r.stepId)) {
          issues.push({ stepId: step.id, field: r.path, message: `references unknown step "${r.stepId}"${suggest(r.stepId, ids)}`, depId: r.stepId });
        } else if (r.stepId === step.id) {
          issues.push({ stepId: step.id, field: r.path, message: 'a step cannot reference its own outputs', depId: r.stepId });
        }
      }
    }
  }

  const nodes = plan.steps.map((s) => ({ id: s.id, deps: effectiveDeps(s).filter((d) => ids.has(d) && d !== s.id) }));
  for (const cycle of findCycles(nodes)) {
    issues.push({
      stepId: cycle[0] ?? null,
      field: 'deps',
      message: `dependency cycle: ${cycle.join(' → ')}`,
      cycle,
    });
  }
  return issues;
}

function checkSkill(step: PlanStep, opts: ValidateOptions, issues: PlanIssue[]): void {
  const skill = opts.skills.get(step.skill);
  if (!skill) {
    issues.push({
      stepId: step.id,
      field: 'skill',
      message: `unknown skill "${step.skill}"${suggest(step.skill, new Set(opts.skills.names()))} (available: ${opts.skills.names().join(', ')})`,
    });
    return;
  }
  const parsed = skill.params.safeParse(step.params);
  if (parsed.success) return;
  for (const issue of parsed.error.issues) {
    // A value that is still a reference is checked at run time, after hydration.
    if (holdsReference(step.params, issue.path)) continue;
    const path = ['params', ...issue.path.map(String)].join('.');
    issues.push({ stepId: step.id, field: path, message: issue.message });
  }
}

function holdsReference(params: Record<string, unknown>, path: PropertyKey[]): boolean {
  let v: unknown = params;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return false;
    v = (v as Record<PropertyKey, unknown>)[key];
    if (typeof v === 'string' && v.includes('${steps.')) return true;
  }
  return false;
}

function suggest(name: string, known: ReadonlySet<string>): string {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 3)) ? ` — did you mean "${best}"?` : '';
}

/** Levenshtein distance (small strings only). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
