/**
 * Contract methods of replay and re-run (U7, R3). Replay re-derives a run from its journal
 * without executing a job; re-run executes it again from its manifest, after a drift report.
 */
import { z } from 'zod';

const runId = z.string().min(1).max(200);

export const replayResultSchema = z.object({
  runId: z.string(),
  identical: z.boolean(),
  divergence: z.object({ stepId: z.string().nullable(), field: z.string(), recorded: z.unknown(), replayed: z.unknown() }).nullable(),
  compared: z.number().int(),
  /** Every step of the plan: identical, diverged (the first divergence), not-reached (after it), unfinished (never ended). */
  steps: z.array(z.object({ stepId: z.string(), status: z.enum(['identical', 'diverged', 'not-reached', 'unfinished']) })),
});
export type ReplayResult = z.infer<typeof replayResultSchema>;

const driftItem = z.object({ path: z.string(), recorded: z.unknown(), now: z.unknown() });

/** What differs now from when the run ran: code, environment, input data, skill versions. */
export const driftSchema = z.object({
  runId: z.string(),
  identical: z.boolean(),
  code: z.array(driftItem),
  environment: z.array(driftItem),
  data: z.array(driftItem),
  skills: z.array(driftItem),
});
export type Drift = z.infer<typeof driftSchema>;

export const replayMethods = {
  'runs.replay': { input: z.strictObject({ runId }), output: replayResultSchema },
  'runs.drift': { input: z.strictObject({ runId }), output: driftSchema },
  /** Executes the run's frozen plan again as a new run, without reusing cached results; the drift report is taken first. */
  'runs.rerun': { input: z.strictObject({ runId, target: z.string().min(1).optional() }), output: z.object({ runId: z.string(), drift: driftSchema }) },
} as const;
