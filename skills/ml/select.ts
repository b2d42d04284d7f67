/**
 * `select` (in-process, deterministic): groups trial results by config label, compares
 * the means with Student-t 95% confidence intervals and names the winner and the configs
 * statistically tied with it. Failed trials (null entries, null values) are counted, never fatal.
 */
import { z } from 'zod';
import type { InProcessSkill } from '../../kernel/skills/api';
import { summarize } from './stats';

export const selectParams = z.strictObject({
  metric: z.string().min(1, 'metric names the value being compared, e.g. exact_match'),
  direction: z.enum(['maximize', 'minimize'], 'direction is maximize or minimize'),
  /** Means closer than this to the winner's count as tied, whatever the CIs. */
  tieTolerance: z.number().min(0, 'tieTolerance must be >= 0').default(0),
});

const trialSchema = z.object({
  config: z.string().min(1),
  params: z.record(z.string(), z.unknown()).nullish(),
  seed: z.number().nullish(),
  value: z.number().nullish(),
  step: z.string().nullish(),
  manifest: z.string().nullish(),
});

export type Trial = z.infer<typeof trialSchema>;

const seedValue = z.strictObject({ seed: z.number().nullable(), value: z.number(), step: z.string().nullable(), manifest: z.string().nullable() });
const failedTrial = z.strictObject({ config: z.string().nullable(), seed: z.number().nullable(), step: z.string().nullable(), manifest: z.string().nullable(), reason: z.string() });

export const rankedSchema = z.strictObject({
  rank: z.number().int().nullable(),
  config: z.string(),
  params: z.record(z.string(), z.unknown()),
  n: z.number().int(),
  failed: z.number().int(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
  values: z.array(seedValue),
});
export type Ranked = z.infer<typeof rankedSchema>;

export const selectionSchema = z.strictObject({
  metric: z.string(),
  direction: z.enum(['maximize', 'minimize']),
  winner: z.strictObject({ config: z.string(), params: z.record(z.string(), z.unknown()), mean: z.number(), ci95: z.tuple([z.number(), z.number()]).nullable(), n: z.number().int() }).nullable(),
  ranking: z.array(rankedSchema),
  ties: z.array(z.string()),
  failed: z.number().int(),
  failedTrials: z.array(failedTrial),
});
export type Selection = z.infer<typeof selectionSchema>;

/** The selection's fields, plus all of them as `selection` so a report can take `${steps.<id>.outputs.selection}`. */
export const selectOutputs = selectionSchema.extend({ selection: selectionSchema });

interface Group {
  config: string;
  params: Record<string, unknown> | null;
  values: Array<z.infer<typeof seedValue>>;
  failed: number;
}

const nul = <T>(v: T | null | undefined): T | null => v ?? null;

/**
 * @example selectBest([{ config: 'r8', params: { rank: 8 }, seed: 0, value: 0.5 }], { metric: 'em', direction: 'maximize', tieTolerance: 0 }).winner?.config === 'r8'
 */
export function selectBest(trials: readonly unknown[], p: z.infer<typeof selectParams>): Selection {
  const groups = new Map<string, Group>();
  const failedTrials: Array<z.infer<typeof failedTrial>> = [];
  for (const raw of trials) {
    const parsed = trialSchema.safeParse(raw);
    if (!parsed.success) {
      const label = typeof (raw as { config?: unknown } | null)?.config === 'string' ? ((raw as { config: string }).config) : null;
      failedTrials.push({ config: label, seed: null, step: null, manifest: null, reason: raw === null || raw === undefined ? 'no result' : 'malformed trial entry' });
      if (label !== null && !groups.has(label)) groups.set(label, { config: label, params: null, values: [], failed: 0 });
      if (label !== null) (groups.get(label) as Group).failed++;
      continue;
    }
    const t = parsed.data;
    const g = groups.get(t.config) ?? { config: t.config, params: null, values: [], failed: 0 };
    groups.set(t.config, g);
    g.params ??= nul(t.params);
    if (typeof t.value !== 'number' || !Number.isFinite(t.value)) {
      g.failed++;
      failedTrials.push({ config: t.config, seed: nul(t.seed), step: nul(t.step), manifest: nul(t.manifest), reason: 'no value' });
      continue;
    }
    g.values.push({ seed: nul(t.seed), value: t.value, step: nul(t.step), manifest: nul(t.manifest) });
  }

  const sign = p.direction === 'maximize' ? -1 : 1;
  const ranked: Ranked[] = [...groups.values()].map((g) => {
    const base = { config: g.config, params: g.params ?? {}, failed: g.failed, values: g.values, n: g.values.length };
    if (g.values.length === 0) return { ...base, rank: null, mean: null, std: null, ci95: null };
    const s = summarize(g.values.map((v) => v.value));
    const ci95: [number, number] | null = s.ciHalf === null ? null : [s.mean - s.ciHalf, s.mean + s.ciHalf];
    return { ...base, rank: null, mean: s.mean, std: s.std, ci95 };
  });
  ranked.sort((a, b) => {
    if (a.mean === null || b.mean === null) return a.mean === b.mean ? a.config.localeCompare(b.config) : a.mean === null ? 1 : -1;
    return sign * (a.mean - b.mean) || b.n - a.n || a.config.localeCompare(b.config);
  });
  let rank = 0;
  for (const r of ranked) if (r.mean !== null) r.rank = ++rank;

  const best = ranked[0];
  const winner = best !== undefined && best.mean !== null ? { config: best.config, params: best.params, mean: best.mean, ci95: best.ci95, n: best.n } : null;
  const ties: string[] = [];
  if (winner !== null) {
    const [wLo, wHi] = winner.ci95 ?? [winner.mean, winner.mean];
    for (const r of ranked.slice(1)) {
      if (r.mean === null) continue;
      const [lo, hi] = r.ci95 ?? [r.mean, r.mean];
      if ((lo <= wHi && hi >= wLo) || Math.abs(r.mean - winner.mean) <= p.tieTolerance) ties.push(r.config);
    }
  }
  return { metric: p.metric, direction: p.direction, winner, ranking: ranked, ties, failed: failedTrials.length, failedTrials };
}

export const selectSkill: InProcessSkill = {
  kind: 'inproc',
  deterministic: true,
  name: 'select',
  version: '1.0.0',
  description: 'Ranks trial configs by the mean of a metric over seeds, with 95% Student-t intervals, ties and failed trials.',
  capabilities: [],
  params: selectParams,
  outputs: selectOutputs,
  async run(raw, ctx) {
    const p = selectParams.parse(raw);
    const trials = ctx.inputs.trials;
    if (!Array.isArray(trials)) throw new Error(`input "trials" must be a list of { config, params, seed, value } entries, got ${trials === undefined ? 'nothing' : typeof trials}`);
    const selection = selectBest(trials, p);
    const w = selection.winner;
    ctx.log(w === null ? `select: no config has a ${p.metric} value (${selection.failed} failed trials)` : `select: ${w.config} wins on ${p.metric} (mean ${w.mean}, n ${w.n}); ties: ${selection.ties.join(', ') || 'none'}`);
    return { ...selection, selection };
  },
};
