/**
 * The zod schema of a sweep in `experiment.yaml` format version 2: one search or protocol
 * (grid, random, tpe, curriculum, ensemble), optional seeds, an objective, select, and the
 * trial template (`steps`) that is copied once per trial. Expansion is in expand.ts.
 */
import { z } from 'zod';
import { distSchema } from '../hpo/space';

type Ctx = z.RefinementCtx;

function fail(ctx: Ctx, message: string, hint?: string, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message, params: hint === undefined ? {} : { hint }, ...(path && { path }) });
}

const whole = (min: number, max: number) =>
  z.number({ error: `expected a whole number from ${min} to ${max}` }).int({ error: `expected a whole number from ${min} to ${max}` }).min(min, { error: `expected a whole number ≥ ${min}` }).max(max, { error: `expected a whole number ≤ ${max}` });
const scalar = z.union([z.number(), z.string(), z.boolean()], { error: 'expected a number, a string or true/false' });
const DIRECTIONS = ['maximize', 'minimize'] as const;
const direction = z.enum(DIRECTIONS, { error: 'expected maximize or minimize' });

/** A trial label part: it becomes part of step ids, so it holds only id characters. */
const labelPart = z.string({ error: 'expected a name' }).regex(/^[A-Za-z0-9_]{1,32}$/, { error: 'a name holds 1–32 letters, digits or _ (it becomes part of step ids)' });

/** `eval.exact_match`: output `exact_match` of the trial's template step `eval`. */
export const metricRef = z
  .string({ error: 'expected <template step>.<output>, e.g. eval.exact_match' })
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_.-]*$/, { error: 'expected <template step>.<output>, e.g. eval.exact_match' });

const space = z
  .record(z.string(), distSchema, { error: 'expected a map of parameter → distribution, e.g. lr: { type: loguniform, low: 1e-4, high: 1e-2 }' })
  .refine((s) => Object.keys(s).length > 0, { error: 'expected at least one parameter in the space' });

const grid = z
  .record(z.string(), z.array(scalar, { error: 'expected a list of values, e.g. rank: [8, 16, 32]' }).min(1, { error: 'expected at least one value' }), {
    error: 'expected a map of parameter → list of values, e.g. grid: { rank: [8, 16, 32] }',
  })
  .refine((g) => Object.keys(g).length > 0, { error: 'expected at least one parameter in the grid' });

const random = z.strictObject({
  n: whole(1, 10_000),
  seed: z.number().int().default(0),
  space,
});

export const PRUNER_TYPES = ['median', 'asha'] as const;
const pruner = z.strictObject({
  type: z.enum(PRUNER_TYPES, { error: 'expected median or asha' }),
  /** Template step whose job reports the intermediate metric (its `curve` output) and obeys `prune`. */
  step: z.string().default('train'),
  metric: z.string().default('val_loss'),
  direction: direction.default('minimize'),
  /** The trainer's total steps and evaluation interval (train.steps, train.eval_every). */
  maxStep: whole(1, 1e9),
  evalEvery: whole(1, 1e9),
  nStartupTrials: whole(0, 10_000).optional(),
  nWarmupSteps: whole(0, 1e9).optional(),
  minResource: whole(1, 1e9).optional(),
  reductionFactor: z.number().min(2).optional(),
});

const tpe = z
  .strictObject({
    trials: whole(1, 10_000),
    /** Trials suggested together (and run in parallel) before the sampler learns from them. */
    batch: whole(1, 256).default(2),
    seed: z.number().int().default(0),
    space,
    /** Trials drawn at random before TPE models the results (Optuna's n_startup_trials). */
    startupTrials: whole(0, 10_000).default(10),
    /** Model the parameters jointly instead of one by one. */
    multivariate: z.boolean().default(false),
    pruner: pruner.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.batch > t.trials) fail(ctx, `batch (${t.batch}) is larger than trials (${t.trials})`, 'batch is how many trials run between two suggestions', ['batch']);
    if (t.pruner?.type === 'asha' && t.pruner.minResource === undefined) fail(ctx, 'asha needs minResource (the first rung, in trainer steps)', 'e.g. pruner: { type: asha, minResource: 25, reductionFactor: 3, maxStep: 150, evalEvery: 25 }', ['pruner']);
  });

const stage = z.looseObject({ name: labelPart }, { error: 'expected a map describing the stage, e.g. { name: easy, difficulty: [1] }' });

/** `aggregate` is a normal step whose params/inputs may use ${members.steps.<id>.outputs.<o>}. */
const ensemble = <S extends z.ZodType>(step: S) =>
  z.strictObject({
    members: whole(1, 256),
    /** Per-member values: member i takes values[i mod length]; `seed` defaults to i + 1. */
    vary: z.record(z.string(), z.array(scalar).min(1, { error: 'expected at least one value' }), { error: 'expected a map of parameter → list of values' }).default({}),
    aggregate: step,
  });

const objective = z.strictObject({ metric: metricRef, direction });

const select = z.union(
  [
    z.boolean(),
    z.strictObject({
      /** Configs whose means are within this distance of the winner's are reported as ties. */
      tieTolerance: z.number().min(0).default(0),
      report: z.boolean().default(true),
      title: z.string().optional(),
    }),
  ],
  { error: 'expected true, or a map like { tieTolerance: 0.01, title: "Rank ablation" }' },
);

export const SWEEP_KINDS = ['grid', 'random', 'tpe', 'curriculum', 'ensemble'] as const;
export type SweepKind = (typeof SWEEP_KINDS)[number];

/**
 * The fields of a sweep; `step` is the schema of one step as written, `steps` a map of them.
 * @example z.strictObject(sweepFields(step, steps)).parse({ grid: { rank: [8] }, steps: { … } })
 */
export const sweepFields = <S extends z.ZodType, M extends z.ZodType>(step: S, steps: M) => ({
  description: z.string().optional(),
  grid: grid.optional(),
  random: random.optional(),
  tpe: tpe.optional(),
  curriculum: z.array(stage, { error: 'expected a list of stages, e.g. - { name: easy, difficulty: [1] }' }).min(1, { error: 'expected at least one stage' }).optional(),
  ensemble: ensemble(step).optional(),
  /** Every configuration runs once per seed; `${trial.seed}` holds it. */
  seeds: z.array(z.number({ error: 'expected whole numbers' }).int({ error: 'expected whole numbers' }), { error: 'expected a list of seeds, e.g. seeds: [1, 2]' }).min(1).optional(),
  /** Fixed values added to every trial's params (`${trial.params}`). */
  params: z.record(z.string(), z.unknown(), { error: 'expected a map of parameters' }).optional(),
  objective: objective.optional(),
  select: select.optional(),
  /** The trial template: steps copied once per trial. */
  steps,
});

/** Cross-field rules of a sweep; `v` is the parsed sweep. */
export function checkSweep(v: Record<string, unknown>, ctx: Ctx): void {
  const kinds = SWEEP_KINDS.filter((k) => v[k] !== undefined);
  if (kinds.length !== 1) {
    const msg = kinds.length === 0 ? 'a sweep needs one of grid, random, tpe, curriculum, ensemble' : `a sweep has exactly one of grid, random, tpe, curriculum, ensemble; this one has ${kinds.join(' and ')}`;
    fail(ctx, msg, 'e.g. grid: { rank: [8, 16, 32] }');
    return;
  }
  const kind = kinds[0]!;
  if (kind === 'tpe' && v.objective === undefined) fail(ctx, 'tpe needs an objective: the metric it optimizes', 'e.g. objective: { metric: eval.loss, direction: minimize }');
  if (v.select !== undefined && v.select !== false && v.objective === undefined) fail(ctx, 'select needs an objective', 'e.g. objective: { metric: eval.exact_match, direction: maximize }', ['select']);
  if (v.select !== undefined && v.select !== false && (kind === 'curriculum' || kind === 'ensemble')) fail(ctx, `select compares configurations; a ${kind} is one configuration`, 'put the curriculum or ensemble in its own experiment per configuration, or drop select', ['select']);
  if (kind === 'ensemble' && v.seeds !== undefined) fail(ctx, 'an ensemble varies its members already; seeds does not apply', 'use ensemble.vary: { seed: [1, 2, 3] }', ['seeds']);
  if (kind === 'curriculum') {
    const names = (v.curriculum as Array<{ name: string }>).map((s) => s.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) fail(ctx, `stage name "${dup}" is used twice`, 'stage names become part of step ids; make them unique', ['curriculum']);
  }
}
