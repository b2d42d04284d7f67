/**
 * Places every problem of an experiment on what the editor draws: the file position, the
 * step as written in the file (a sweep copy `rank-c0-s1-train` is its template
 * `rank.train`), the field, and for an edge problem the dependency. A template problem
 * repeats in every copy; it is reported once.
 */
import type { EditorProblem } from '../common/contract-editor';
import type { Plan, PlanIssue } from '../common/plan';
import { findRefs } from '../common/refs';
import type { ExperimentProblem, LoadedExperiment } from '../plan/load-experiment';

type Origins = LoadedExperiment['origins'];

/**
 * The step in the file an expanded step comes from: itself for a fixed step, `<sweep>.<step>`
 * for a template copy, `<sweep>.<part>` for a step a sweep generates (`rank.select`, `hp.tpe`).
 * @example sourceOf({ 'rank-c0-train': ['sweeps', 'rank', 'steps', 'train'] }, 'rank-c0-train') // 'rank.train'
 */
export function sourceOf(origins: Origins, stepId: string): string {
  const o = origins[stepId];
  if (!o || o[0] !== 'sweeps') return stepId;
  return o[2] === 'steps' ? `${o[1]}.${o[3]}` : o.slice(1).join('.');
}

/** A loader problem's data path (`sweeps.rank.steps.train.params.lr`) split into step and field. */
function splitPath(path: string): { stepId: string | null; field: string } {
  const p = path.split('.');
  if (p[0] === 'steps' && p.length >= 2) return { stepId: p[1]!, field: p.slice(2).join('.') };
  if (p[0] === 'sweeps' && p[2] === 'steps' && p.length >= 4) return { stepId: `${p[1]}.${p[3]}`, field: p.slice(4).join('.') };
  // An ensemble's aggregate step, named as sourceOf names it.
  if (p[0] === 'sweeps' && p[2] === 'ensemble' && p[3] === 'aggregate') return { stepId: `${p[1]}.ensemble.aggregate`, field: p.slice(4).join('.') };
  return { stepId: null, field: path };
}

/** Problems of a file that does not load (syntax, schema, sweep templates). */
export function loadProblems(problems: readonly ExperimentProblem[]): EditorProblem[] {
  return dedupe(problems.map((p) => ({ ...splitPath(p.path), depId: null, line: p.line, col: p.col, message: p.message, hint: p.hint ?? null })));
}

/** Where in the step an edge to `dep` is written: its `deps` entry, else the first reference to it. */
function edgeField(plan: Plan, stepId: string, dep: string): string {
  const step = plan.steps.find((s) => s.id === stepId);
  if (!step) return 'deps';
  const i = step.deps.indexOf(dep);
  if (i >= 0) return `deps.${i}`;
  for (const [base, value] of [['params', step.params], ['inputs', step.inputs]] as const) {
    const ref = findRefs(value, base).refs.find((r) => r.stepId === dep);
    if (ref) return ref.path;
  }
  return 'deps';
}

/** Validator issues of a loaded file, mapped back into it. */
export function planProblems(loaded: LoadedExperiment, issues: readonly PlanIssue[]): EditorProblem[] {
  const src = (id: string) => sourceOf(loaded.origins, id);
  const at = (stepId: string | null, field: string) => {
    const { line, col } = loaded.locate(stepId, field);
    return { line, col };
  };
  const out: EditorProblem[] = [];
  for (const issue of issues) {
    if (issue.cycle && issue.cycle.length > 1) {
      // One problem per edge, so the editor marks every edge of the cycle.
      const shown = issue.cycle.map(src).join(' → ');
      for (let i = 0; i + 1 < issue.cycle.length; i++) {
        const [from, to] = [issue.cycle[i]!, issue.cycle[i + 1]!];
        const field = edgeField(loaded.plan, from, to);
        out.push({ stepId: src(from), field, depId: src(to), ...at(from, field), message: `dependency cycle: ${shown}`, hint: 'remove one of the dependencies (or references) on the cycle' });
      }
      continue;
    }
    const stepId = issue.stepId === null ? null : src(issue.stepId);
    // Messages that name the expanded copy name the step as written instead.
    const message = issue.stepId === null || stepId === issue.stepId ? issue.message : issue.message.split(`"${issue.stepId}"`).join(`"${stepId}"`);
    out.push({
      stepId,
      field: issue.field,
      depId: issue.depId === undefined ? null : src(issue.depId),
      ...at(issue.stepId, issue.field),
      message,
      hint: null,
    });
  }
  return dedupe(out);
}

function dedupe(problems: EditorProblem[]): EditorProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify([p.stepId, p.field, p.depId, p.line, p.col, p.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
