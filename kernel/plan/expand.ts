/**
 * Expands the sweeps of an experiment (format version 2) into plain Plan IR steps, so the
 * kernel runs, caches, resumes and replays them like any other step. Grid and random trials
 * are fixed here; TPE runs in batches, each batch's parameters coming from an `hpo-suggest`
 * step that depends on the earlier batches' results; select and report are steps too.
 * Step ids: `<sweep>-c<i>[-s<seed>]-<step>` (grid, random), `<sweep>-t<k>[-s<seed>]-<step>`
 * (tpe), `<sweep>-<stage>[-s<seed>]-<step>` (curriculum), `<sweep>-m<i>-<step>` (ensemble).
 */
import type { PlanStep } from '../common/plan';
import { gridPoints } from '../hpo/grid';
import { RandomSampler } from '../hpo/random';
import type { Params } from '../hpo/space';
import type { SweepInput } from './experiment-schema';
import { instantiate, templateSinks, type ExpandProblem, type Seg } from './template';

/** One trial of a sweep (a configuration × seed), as `sgr plan` shows it. */
export interface TrialInfo {
  sweep: string;
  /** Configuration label shared by a configuration's seeds: c0, t3, easy, m1. */
  config: string;
  seed: number | null;
  /** Parameters; for TPE they are references to the suggest step's outputs. */
  params: Record<string, unknown>;
  stepIds: string[];
}

export interface Expansion {
  steps: PlanStep[];
  /** Step id → data path of the definition it was copied from (for error positions). */
  origins: Record<string, Seg[]>;
  trials: TrialInfo[];
}

export interface ExpandContext {
  /** Maps a step as written (template or generated) to the Plan IR, applying defaults. */
  toStep(id: string, raw: Record<string, unknown>): PlanStep;
}

interface Trial {
  config: string;
  seed: number | null;
  vars: Record<string, unknown>;
  prefix: string;
}

/**
 * Expands every sweep; problems carry data paths. Throws nothing: the caller reports `problems`.
 * @example expandSweeps({ rank: sweep }, ctx, problems).steps.map((s) => s.id) // ['rank-c0-train', …]
 */
export function expandSweeps(sweeps: Record<string, SweepInput>, ctx: ExpandContext, problems: ExpandProblem[]): Expansion {
  const out: Expansion = { steps: [], origins: {}, trials: [] };
  for (const [name, sweep] of Object.entries(sweeps)) expandOne(name, sweep, ctx, problems, out);
  return out;
}

function expandOne(name: string, sweep: SweepInput, ctx: ExpandContext, problems: ExpandProblem[], out: Expansion): void {
  const at: Seg[] = ['sweeps', name];
  const template = Object.entries(sweep.steps).map(([id, raw]) => ctx.toStep(id, raw as Record<string, unknown>));
  const templateIds = new Set(template.map((s) => s.id));
  const seeds: Array<number | null> = sweep.seeds ?? [null];
  const fixed = sweep.params ?? {};
  const objective = sweep.objective;
  if (objective && !templateIds.has(objective.metric.split('.')[0]!)) {
    problems.push({ path: [...at, 'objective', 'metric'], message: `"${objective.metric}": the template has no step "${objective.metric.split('.')[0]}"`, hint: `template steps: ${[...templateIds].join(', ')}` });
  }
  const seedSuffix = (seed: number | null) => (seed === null ? '' : `-s${seed}`);
  const withSeed = (params: Record<string, unknown>, seed: number | null) => (seed === null ? params : { ...params, seed });
  const emit = (trial: Trial, extra: Partial<Pick<Parameters<typeof instantiate>[1], 'prev' | 'members'>> = {}): string[] => {
    const idOf = (id: string) => `${trial.prefix}-${id}`;
    const ids: string[] = [];
    for (const step of template) {
      const copy = instantiate(step, { idOf, templateIds, vars: trial.vars, ...extra }, [...at, 'steps', step.id], problems);
      push(out, copy, [...at, 'steps', step.id]);
      ids.push(copy.id);
    }
    out.trials.push({ sweep: name, config: trial.config, seed: trial.seed, params: trial.vars.params as Record<string, unknown>, stepIds: ids });
    return ids;
  };
  const baseVars = (config: string, index: number, seed: number | null, params: Record<string, unknown>) => ({
    ...params,
    params: withSeed({ ...fixed, ...params }, seed),
    seed,
    index,
    config,
    label: `${config}${seedSuffix(seed)}`,
    prune: null,
  });

  const trials: Trial[] = [];
  if (sweep.grid || sweep.random) {
    const points: Params[] = sweep.grid ? gridPoints(sweep.grid) : sampleRandom(sweep.random!);
    points.forEach((p, i) => {
      for (const seed of seeds) trials.push({ config: `c${i}`, seed, vars: baseVars(`c${i}`, i, seed, p), prefix: `${name}-c${i}${seedSuffix(seed)}` });
    });
    trials.forEach((t) => emit(t));
  } else if (sweep.tpe) {
    expandTpe(ctx, name, sweep, seeds, baseVars, emit, trials, out);
  } else if (sweep.curriculum) {
    for (const seed of seeds) {
      let prevIds: Map<string, string> | null = null;
      sweep.curriculum.forEach((stage, i) => {
        const { name: stageName, ...fields } = stage as { name: string } & Record<string, unknown>;
        const trial: Trial = { config: stageName, seed, vars: { ...baseVars(stageName, i, seed, fields), stage: stageName }, prefix: `${name}-${stageName}${seedSuffix(seed)}` };
        const before = prevIds;
        const ids = emit(trial, { prev: (id) => (before ? before.get(id)! : null) });
        // Stages are ordered even where the template does not reference the previous one.
        if (before) {
          const sinks = templateSinks(template).map((id) => before.get(id)!);
          for (const id of ids) out.steps.find((s) => s.id === id)!.deps.push(...sinks.filter((s) => !out.steps.find((x) => x.id === id)!.deps.includes(s)));
        }
        prevIds = new Map(template.map((s, k) => [s.id, ids[k]!]));
        trials.push(trial);
      });
    }
  } else if (sweep.ensemble) {
    const { members, vary, aggregate } = sweep.ensemble;
    const memberIds: Array<Map<string, string>> = [];
    for (let i = 0; i < members; i++) {
      const values: Record<string, unknown> = Object.fromEntries(Object.entries(vary).map(([k, vs]) => [k, vs[i % vs.length]]));
      const seed = typeof values.seed === 'number' ? values.seed : i + 1;
      const trial: Trial = { config: `m${i}`, seed, vars: baseVars(`m${i}`, i, seed, { ...values, seed }), prefix: `${name}-m${i}` };
      const ids = emit(trial);
      memberIds.push(new Map(template.map((s, k) => [s.id, ids[k]!])));
      trials.push(trial);
    }
    const agg = ctx.toStep(`${name}-aggregate`, aggregate);
    const env = { idOf: (id: string) => id, templateIds, vars: { members }, members: (id: string) => memberIds.map((m) => m.get(id)!) };
    const copy = instantiate(agg, env, [...at, 'ensemble', 'aggregate'], problems);
    push(out, { ...copy, id: `${name}-aggregate` }, [...at, 'ensemble', 'aggregate']);
  }
  if (objective && sweep.select !== undefined && sweep.select !== false) addSelect(ctx, name, sweep, trials, out);
}

function sampleRandom(r: NonNullable<SweepInput['random']>): Params[] {
  const sampler = new RandomSampler(r.space, { seed: r.seed });
  return Array.from({ length: r.n }, () => sampler.ask());
}

const ref = (stepId: string, output: string) => `\${steps.${stepId}.outputs.${output}}`;

function objectiveRef(trial: Trial, metric: string): string {
  const dot = metric.indexOf('.');
  return ref(`${trial.prefix}-${metric.slice(0, dot)}`, metric.slice(dot + 1));
}

type BaseVars = (config: string, index: number, seed: number | null, params: Record<string, unknown>) => Record<string, unknown>;

function expandTpe(ctx: ExpandContext, name: string, sweep: SweepInput, seeds: Array<number | null>, baseVars: BaseVars, emit: (t: Trial) => string[], trials: Trial[], out: Expansion): void {
  const tpe = sweep.tpe!;
  const objective = sweep.objective!;
  const pruner = tpe.pruner;
  const names = Object.keys(tpe.space);
  for (let b = 0, k = 0; k < tpe.trials; b++) {
    const n = Math.min(tpe.batch, tpe.trials - k);
    const suggest = `${name}-suggest-${b}`;
    const history = trials.map((t) => ({
      params: t.vars.params,
      value: objectiveRef(t, objective.metric),
      pruned: pruner ? ref(`${t.prefix}-${pruner.step}`, 'pruned') : null,
      curve: pruner ? ref(`${t.prefix}-${pruner.step}`, `curve`) : null,
    }));
    const { step: pruneStep, ...prunerParams } = pruner ?? { step: '' };
    void pruneStep;
    const tpeOptions = { nStartupTrials: tpe.startupTrials, multivariate: tpe.multivariate };
    const params = { space: tpe.space, direction: objective.direction, n, seed: tpe.seed, batch: b, sampler: 'tpe', tpe: tpeOptions, ...(pruner && { pruner: prunerParams, maxStep: pruner.maxStep, evalEvery: pruner.evalEvery }) };
    // A failed trial must not stop the search: its references hydrate to null.
    push(out, { ...ctx.toStep(suggest, { skill: 'hpo-suggest', params, inputs: { history } }), trigger: 'all_done' }, ['sweeps', name, 'tpe']);
    for (let j = 0; j < n; j++, k++) {
      const suggested = Object.fromEntries(names.map((p) => [p, ref(suggest, `trials.${j}.${p}`)]));
      for (const seed of seeds) {
        const vars = { ...baseVars(`t${k}`, k, seed, suggested), prune: pruner ? ref(suggest, 'prune') : null };
        const trial: Trial = { config: `t${k}`, seed, vars, prefix: `${name}-t${k}${seed === null ? '' : `-s${seed}`}` };
        emit(trial);
        trials.push(trial);
      }
    }
  }
}

function addSelect(ctx: ExpandContext, name: string, sweep: SweepInput, trials: Trial[], out: Expansion): void {
  const objective = sweep.objective!;
  const opts = typeof sweep.select === 'object' ? sweep.select : { tieTolerance: 0, report: true, title: undefined };
  // A configuration's params without the seed: the seeds of one configuration are grouped.
  const configParams = (t: Trial) => Object.fromEntries(Object.entries(t.vars.params as Record<string, unknown>).filter(([k]) => t.seed === null || k !== 'seed'));
  const entries = trials.map((t) => ({ config: t.config, params: configParams(t), seed: t.seed, value: objectiveRef(t, objective.metric), step: `${t.prefix}-${objective.metric.split('.')[0]}` }));
  const select = `${name}-select`;
  const selectParams = { metric: objective.metric, direction: objective.direction, tieTolerance: opts.tieTolerance };
  push(out, { ...ctx.toStep(select, { skill: 'select', params: selectParams, inputs: { trials: entries } }), trigger: 'all_done' }, ['sweeps', name, 'select']);
  if (!opts.report) return;
  const selection = ref(select, 'selection');
  const title = opts.title ?? `${name}: ${objective.metric} (${objective.direction})`;
  push(out, ctx.toStep(`${name}-report`, { skill: 'report', params: { title }, inputs: { selection, trials: entries } }), ['sweeps', name, 'select']);
}

function push(out: Expansion, step: PlanStep, origin: Seg[]): void {
  out.steps.push(step);
  out.origins[step.id] = origin;
}
