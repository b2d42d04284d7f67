/**
 * Contract methods of comparing runs (U6, R2): a table of params and final metrics over
 * 2–50 runs, a sweep's `select` results, and the grouped manifest diff of two runs.
 */
import { z } from 'zod';

const runId = z.string().min(1).max(200);
const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const compareRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  createdAt: z.number(),
  tags: z.array(z.string()),
  /** The run this one re-ran (`sgr rerun`), or null. */
  rerunOf: z.string().nullable().optional(),
  /** Flattened resolved params, `<step>.<dotted.param>` → scalar (artifact refs shown as their digest). */
  params: z.record(z.string(), scalar),
  /** Metrics by `<step>.<name>`: the last value, min, max and count. */
  metrics: z.record(z.string(), z.object({ last: z.number(), min: z.number(), max: z.number(), count: z.number().int() })),
});

export const selectRowSchema = z.object({
  trial: z.string(),
  params: z.record(z.string(), z.unknown()),
  mean: z.number().nullable(),
  lo: z.number().nullable(),
  hi: z.number().nullable(),
  n: z.number().int(),
  rank: z.number().int().nullable(),
});

export const compareSchema = z.object({
  runs: z.array(compareRunSchema),
  /** Param keys whose values differ between the runs (the table highlights them). */
  differingParams: z.array(z.string()),
  /** Metric keys present in at least one run. */
  metricKeys: z.array(z.string()),
  /** Every `select` step result among the runs: mean ± CI per trial. */
  selects: z.array(z.object({ runId: z.string(), stepId: z.string(), metric: z.string(), direction: z.string(), rows: z.array(selectRowSchema), best: z.string().nullable() })),
});
export type Compare = z.infer<typeof compareSchema>;

const change = z.object({ path: z.string(), a: z.unknown(), b: z.unknown() });
const section = z.object({ identical: z.boolean(), changes: z.array(change) });

export const manifestDiffSchema = z.object({
  a: z.string(),
  b: z.string(),
  identical: z.boolean(),
  sections: z.object({ params: section, data: section, code: section, environment: section, metrics: section, steps: section }),
});
export type ManifestDiffResult = z.infer<typeof manifestDiffSchema>;

export const compareMethods = {
  'runs.compare': { input: z.strictObject({ runIds: z.array(runId).min(2).max(50) }), output: compareSchema },
  'manifest.diff': { input: z.strictObject({ a: runId, b: runId }), output: manifestDiffSchema },
} as const;
