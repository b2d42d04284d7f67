/**
 * `hpo-suggest`: one batch of a TPE (or random) sweep in an experiment file. The sweep expander
 * emits one per batch; its `history` input holds the finished trials of earlier batches (a failed
 * trial's references hydrate to null) and its outputs feed the next batch's trial steps:
 * `${steps.<sweep>-suggest-2.outputs.trials.0.lr}` and, with a pruner, `…outputs.prune`.
 */
import { z } from 'zod';
import type { InProcessSkill } from '../../kernel/skills/api';
import { suggestBatch, type HistoryTrial } from '../../kernel/hpo/batch';
import { pruneRungs, type PrunerSpec } from '../../kernel/hpo/prune-rungs';
import { spaceSchema, type Direction, type Params } from '../../kernel/hpo/space';

const direction = z.enum(['minimize', 'maximize'], { error: 'expected minimize or maximize' });
const whole = (min: number) => z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' }).min(min);

// Non-strict on purpose: the expander passes the sweep's whole pruner block (step, maxStep, …).
const prunerSchema = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.literal('median'),
      metric: z.string().optional(),
      direction: direction.optional(),
      nStartupTrials: whole(0).optional(),
      nWarmupSteps: whole(0).optional(),
      intervalSteps: whole(1).optional(),
    }),
    z.object({
      type: z.literal('asha'),
      metric: z.string().optional(),
      direction: direction.optional(),
      minResource: z.number({ error: 'asha needs minResource (the first rung, in trainer steps)' }).positive(),
      reductionFactor: z.number().min(2, 'reductionFactor must be ≥ 2').default(3),
      minEarlyStoppingRate: whole(0).optional(),
    }),
  ],
  { error: 'pruner.type must be median or asha' },
);

export const hpoSuggestParams = z
  .strictObject({
    space: spaceSchema.refine((s) => Object.keys(s).length > 0, 'space needs at least one parameter'),
    direction: direction.default('minimize'),
    n: whole(1),
    seed: z.number({ error: 'expected an integer seed' }).int({ error: 'expected an integer seed' }).default(0),
    batch: whole(0).default(0),
    sampler: z.enum(['tpe', 'random'], { error: 'sampler must be tpe or random' }).default('tpe'),
    tpe: z.strictObject({ nStartupTrials: whole(0).optional(), nEiCandidates: whole(1).optional(), multivariate: z.boolean().optional(), priorWeight: z.number().positive().optional() }).optional(),
    pruner: prunerSchema.optional(),
    maxStep: z.number().positive().optional(),
    evalEvery: z.number().positive().default(1),
  })
  .superRefine((p, ctx) => {
    if (p.pruner && p.maxStep === undefined) ctx.addIssue({ code: 'custom', path: ['maxStep'], message: 'a pruner needs maxStep (the trainer’s total steps)' });
  });

const num = z.number().nullable().optional();
const point = z.union([z.tuple([num, num]), z.object({ step: num, value: num }), z.null()]);
const series = z.array(point).nullable().optional();
/** One history entry as it hydrates; anything null or malformed marks a failed trial. */
const entrySchema = z.object({
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]).nullable()).nullable().optional(),
  value: num,
  pruned: z.boolean().nullable().optional(),
  // A bare [step, value] list, or the train skill's per-metric record of such lists.
  curve: z.union([series, z.record(z.string(), series)]).optional(),
});

type Entry = z.infer<typeof entrySchema>;

function pickSeries(curve: Entry['curve'], metric: string | undefined): Array<[number, number]> | undefined {
  if (!curve) return undefined;
  let s: z.infer<typeof series>;
  if (Array.isArray(curve)) s = curve;
  else {
    const keys = Object.keys(curve);
    s = curve[metric ?? 'val_loss'] ?? (keys.length === 1 ? curve[keys[0]!] : undefined);
  }
  const out: Array<[number, number]> = [];
  for (const p of s ?? []) {
    const [step, value] = p === null ? [null, null] : Array.isArray(p) ? p : [p.step, p.value];
    if (typeof step === 'number' && typeof value === 'number') out.push([step, value]);
  }
  return out;
}

/** Usable trials of the raw `history` input: nulls, failed and malformed entries are dropped. */
export function parseHistory(raw: unknown, opts: { metric?: string; flipCurve?: boolean } = {}): HistoryTrial[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Error(`input "history" must be a list of trials, got ${typeof raw}`);
  const out: HistoryTrial[] = [];
  for (const item of raw) {
    const r = entrySchema.safeParse(item);
    if (!r.success || !r.data.params) continue;
    const params: Params = {};
    let complete = true;
    for (const [k, v] of Object.entries(r.data.params)) {
      if (v === null) complete = false;
      else params[k] = v;
    }
    if (!complete) continue;
    const pruned = r.data.pruned === true;
    const value = typeof r.data.value === 'number' && Number.isFinite(r.data.value) ? r.data.value : null;
    if (value === null && !pruned) continue; // failed: Optuna skips it too
    const curve = pickSeries(r.data.curve, opts.metric)?.map(([s, v]): [number, number] => [s, opts.flipCurve ? -v : v]);
    out.push({ params, value, ...(pruned && { pruned }), ...(curve && { curve }) });
  }
  return out;
}

/** Mixes the batch index into the seed so two batches with equal history still differ. */
const batchSeed = (seed: number, batch: number): number => (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(batch + 1, 0x85ebca6b)) >>> 0;

export const hpoSuggestSkill: InProcessSkill = {
  kind: 'inproc',
  deterministic: true,
  name: 'hpo-suggest',
  version: '1.0.0',
  description: 'Suggests the next batch of a TPE or random sweep from the finished trials of earlier batches, with static pruning thresholds for the batch.',
  capabilities: [],
  params: hpoSuggestParams,
  outputs: z.strictObject({
    trials: z.array(z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]))),
    prune: z.strictObject({ metric: z.string(), direction, rungs: z.array(z.strictObject({ step: z.number(), threshold: z.number() })) }).nullable(),
    historySize: z.number().int(),
  }),
  async run(raw, ctx) {
    const p = hpoSuggestParams.parse(raw);
    const pruneDirection: Direction = p.pruner?.direction ?? p.direction;
    const metric = p.pruner?.metric ?? 'val_loss';
    const history = parseHistory(ctx.inputs.history, { metric });
    // TPE ranks pruned trials by their last intermediate value in the objective's direction.
    const forTpe = pruneDirection === p.direction ? history : history.map((t) => (t.curve ? { ...t, curve: t.curve.map(([s, v]): [number, number] => [s, -v]) } : t));
    const trials = suggestBatch({ space: p.space, direction: p.direction, history: forTpe, n: p.n, seed: batchSeed(p.seed, p.batch), sampler: p.sampler, ...(p.tpe && { tpe: p.tpe }) });
    let prune = null;
    if (p.pruner) {
      const q = p.pruner;
      const spec: PrunerSpec =
        q.type === 'median'
          ? { type: 'median', nStartupTrials: q.nStartupTrials, nWarmupSteps: q.nWarmupSteps, intervalSteps: q.intervalSteps }
          : { type: 'asha', minResource: q.minResource, reductionFactor: q.reductionFactor, minEarlyStoppingRate: q.minEarlyStoppingRate };
      prune = { metric, direction: pruneDirection, rungs: pruneRungs({ pruner: spec, direction: pruneDirection, history, maxStep: p.maxStep!, evalEvery: p.evalEvery }) };
    }
    ctx.log(`hpo-suggest batch ${p.batch}: ${trials.length} ${p.sampler} suggestions from ${history.length} finished trials${prune ? `, ${prune.rungs.length} pruning rungs` : ''}`);
    return { trials, prune, historySize: history.length };
  },
};
