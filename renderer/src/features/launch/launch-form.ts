/**
 * The launch form's state and its translation into `runs.launch` input. Pure, so the rules
 * (what is a valid number, how many runs a sweep makes) are unit-tested without a browser;
 * every error names the field the user has to fix.
 */
import type { LaunchInput } from '../../../../kernel/common/contract-launch';

export type SweepProtocol = 'grid' | 'random' | 'tpe';

/** What the inputs hold: strings as typed, so a half-typed number is not lost on re-render. */
export interface LaunchForm {
  target: string;
  /** Empty: the experiment's own `concurrency`. */
  concurrency: string;
  parallelRuns: string;
  maxMinutes: string;
  maxRuns: string;
  tags: string[];
  sweepOn: boolean;
  step: string;
  param: string;
  protocol: SweepProtocol;
  /** grid: comma-separated values. */
  values: string;
  low: string;
  high: string;
  log: boolean;
  int: boolean;
  trials: string;
  seed: string;
  /** tpe: `<step>.<metric>`. */
  objective: string;
  direction: 'minimize' | 'maximize';
}

export const EMPTY_FORM: LaunchForm = {
  target: 'local',
  concurrency: '',
  parallelRuns: '1',
  maxMinutes: '',
  maxRuns: '',
  tags: [],
  sweepOn: false,
  step: '',
  param: '',
  protocol: 'grid',
  values: '',
  low: '',
  high: '',
  log: false,
  int: false,
  trials: '10',
  seed: '0',
  objective: '',
  direction: 'minimize',
};

/** A form field an error points at; the dialog marks that input and names it. */
export type LaunchField = 'target' | 'concurrency' | 'parallelRuns' | 'maxMinutes' | 'maxRuns' | 'step' | 'param' | 'values' | 'low' | 'high' | 'trials' | 'seed' | 'objective';

export const FIELD_LABELS: Record<LaunchField, string> = {
  target: 'Target',
  concurrency: 'Concurrency',
  parallelRuns: 'Parallel runs',
  maxMinutes: 'Max minutes',
  maxRuns: 'Max runs',
  step: 'Sweep step',
  param: 'Sweep parameter',
  values: 'Sweep values',
  low: 'Range low',
  high: 'Range high',
  trials: 'Trials',
  seed: 'Seed',
  objective: 'Objective metric',
};

export interface FieldError {
  /** Null: about the launch as a whole (e.g. the experiment does not validate). */
  field: LaunchField | null;
  message: string;
}

export type BuiltLaunch = { ok: true; input: LaunchInput; runs: number } | { ok: false; errors: FieldError[]; runs: number | null };

/** One value typed in a grid list: a number when it reads as one, true/false, else the text. */
export function parseScalar(raw: string): number | string | boolean {
  const s = raw.trim();
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s !== '' && Number.isFinite(Number(s))) return Number(s);
  // Quotes keep a value a string: "3" stays '3'.
  const q = /^(["'])(.*)\1$/.exec(s);
  return q ? q[2]! : s;
}

/** `1, 2, 3` → [1, 2, 3]; blanks dropped, duplicates kept once (a duplicate trial is wasted work). */
export function parseValues(text: string): (number | string | boolean)[] {
  const out: (number | string | boolean)[] = [];
  for (const part of text.split(/[,\n]/)) {
    if (part.trim() === '') continue;
    const v = parseScalar(part);
    if (!out.some((o) => o === v)) out.push(v);
  }
  return out;
}

interface NumberRule {
  int?: boolean;
  min?: number;
  max?: number;
  /** Strictly greater than min. */
  positive?: boolean;
}

/** Parses an optional number field; undefined when blank, an error message when invalid. */
function num(raw: string, rule: NumberRule): { value?: number; error?: string } {
  const s = raw.trim();
  if (s === '') return {};
  const n = Number(s);
  if (!Number.isFinite(n)) return { error: `"${s}" is not a number` };
  if (rule.int && !Number.isInteger(n)) return { error: `must be a whole number, got ${s}` };
  if (rule.positive && n <= 0) return { error: `must be greater than 0, got ${s}` };
  if (rule.min !== undefined && n < rule.min) return { error: `must be at least ${rule.min}, got ${s}` };
  if (rule.max !== undefined && n > rule.max) return { error: `must be at most ${rule.max}, got ${s}` };
  return { value: n };
}

/** How many runs the sweep would make before the budget's max runs (null: not computable yet). */
export function sweepTrials(f: LaunchForm): number | null {
  if (!f.sweepOn) return 1;
  if (f.protocol === 'grid') return parseValues(f.values).length;
  const t = num(f.trials, { int: true, min: 1, max: 1000 });
  return t.value ?? null;
}

/** Validates the form and builds the `runs.launch` input, or lists every field to fix. */
export function buildLaunch(f: LaunchForm, path: string, text: string | undefined): BuiltLaunch {
  const errors: FieldError[] = [];
  const field = (name: LaunchField, raw: string, rule: NumberRule): number | undefined => {
    const r = num(raw, rule);
    if (r.error) errors.push({ field: name, message: `${FIELD_LABELS[name]}: ${r.error}` });
    return r.value;
  };
  if (!f.target) errors.push({ field: 'target', message: 'Target: choose where the runs execute' });
  const concurrency = field('concurrency', f.concurrency, { int: true, min: 1, max: 256 });
  const parallelRuns = field('parallelRuns', f.parallelRuns, { int: true, min: 1, max: 64 });
  const maxMinutes = field('maxMinutes', f.maxMinutes, { positive: true });
  const maxRuns = field('maxRuns', f.maxRuns, { int: true, min: 1 });

  const input: LaunchInput = { path, target: f.target, tags: f.tags, budget: {} };
  if (text !== undefined) input.text = text;
  if (concurrency !== undefined) input.concurrency = concurrency;
  if (parallelRuns !== undefined) input.parallelRuns = parallelRuns;
  if (maxMinutes !== undefined) input.budget = { ...input.budget, maxMinutes };
  if (maxRuns !== undefined) input.budget = { ...input.budget, maxRuns };

  if (f.sweepOn) {
    if (!f.step) errors.push({ field: 'step', message: 'Sweep step: choose the step whose parameter varies' });
    if (!f.param.trim()) errors.push({ field: 'param', message: 'Sweep parameter: choose or type the parameter to vary' });
    const seed = field('seed', f.seed, { int: true }) ?? 0;
    const sweep: NonNullable<LaunchInput['sweep']> = { step: f.step, param: f.param.trim(), protocol: f.protocol, seed };
    if (f.protocol === 'grid') {
      const values = parseValues(f.values);
      if (values.length === 0) errors.push({ field: 'values', message: 'Sweep values: give at least one value, e.g. 1, 2, 3' });
      else if (values.length > 1000) errors.push({ field: 'values', message: `Sweep values: at most 1000 values, got ${values.length}` });
      sweep.values = values;
    } else {
      const low = field('low', f.low, {});
      const high = field('high', f.high, {});
      if (f.low.trim() === '') errors.push({ field: 'low', message: 'Range low: required for a random or TPE sweep' });
      if (f.high.trim() === '') errors.push({ field: 'high', message: 'Range high: required for a random or TPE sweep' });
      if (low !== undefined && high !== undefined && !(high > low)) errors.push({ field: 'high', message: `Range high: must be greater than low (${low})` });
      if (f.log && low !== undefined && low <= 0) errors.push({ field: 'low', message: 'Range low: a log range needs low > 0' });
      const trials = field('trials', f.trials, { int: true, min: 1, max: 1000 });
      if (f.trials.trim() === '') errors.push({ field: 'trials', message: 'Trials: how many runs to sample' });
      sweep.range = { low: low ?? 0, high: high ?? 0, log: f.log, int: f.int };
      if (trials !== undefined) sweep.trials = trials;
      if (f.protocol === 'tpe') {
        const metric = f.objective.trim();
        if (!/^[^.\s]+\..+$/.test(metric)) errors.push({ field: 'objective', message: 'Objective metric: write it as <step>.<metric>, e.g. train.loss' });
        sweep.objective = { metric, direction: f.direction };
      }
    }
    input.sweep = sweep;
  }

  const trials = sweepTrials(f);
  const runs = trials === null ? null : maxRuns !== undefined ? Math.min(trials, maxRuns) : trials;
  return errors.length ? { ok: false, errors, runs } : { ok: true, input, runs: runs ?? 1 };
}

/**
 * Maps a kernel error to the form field it is about, so the dialog can mark it: zod paths
 * (`runs.launch: sweep.values.0: …`, `budget.maxRuns`) and the launcher's own wording
 * (`sweep: step "data", param "seed" = "x": …` is about a value; `…, param "p": params.a is a
 * list` about the param; `sweep: the plan has no step` about the step). Null: the whole form.
 */
export function fieldOfKernelError(message: string): LaunchField | null {
  const m = /(?:^|[\s:;])(sweep\.(step|param|values|range\.(low|high)|trials|seed|objective)|concurrency|parallelRuns|budget\.(maxMinutes|maxRuns)|target)\b/.exec(message);
  if (m) {
    const key = m[1]!;
    if (key.startsWith('sweep.range.')) return m[3] as LaunchField;
    if (key.startsWith('sweep.')) return m[2] as LaunchField;
    if (key.startsWith('budget.')) return m[4] as LaunchField;
    return key as LaunchField;
  }
  if (/\bsweep: the plan has no step\b/.test(message)) return 'step';
  if (/\bsweep: step "[^"]*", param "[^"]*" = /.test(message)) return 'values';
  if (/\bsweep: step "[^"]*", param "[^"]*": .*\b(range|trials)\b/.test(message)) return /\btrials\b/.test(message) ? 'trials' : 'low';
  if (/\bsweep: step "[^"]*", param "[^"]*": /.test(message)) return 'param';
  if (/\bsweep: tpe needs an objective\b/.test(message)) return 'objective';
  return null;
}
