/**
 * Contract methods of launching (U5): start a run or a one-parameter sweep of runs from the
 * app, cancel and resume, and find runs the app left unfinished when it closed.
 */
import { z } from 'zod';

const runId = z.string().min(1).max(200);
const scalar = z.union([z.number(), z.string(), z.boolean()]);

/**
 * A sweep from the launch form: one parameter of one step, over values (grid), a range
 * (random), or TPE on an objective. Each trial is its own run (tagged `sweep:<launchId>`),
 * so the finished runs can be compared and diffed.
 */
export const launchSweepSchema = z.strictObject({
  /** Step id in the expanded plan. */
  step: z.string().min(1),
  /** Dotted path inside the step's params, e.g. `lr` or `overrides.rank`. */
  param: z.string().min(1),
  protocol: z.enum(['grid', 'random', 'tpe']),
  /** grid: the values. */
  values: z.array(scalar).min(1).max(1000).optional(),
  /** random / tpe: the range. */
  range: z.strictObject({ low: z.number(), high: z.number(), log: z.boolean().default(false), int: z.boolean().default(false) }).optional(),
  /** random / tpe: how many trials. */
  trials: z.number().int().min(1).max(1000).optional(),
  seed: z.number().int().default(0),
  /** tpe: the metric to optimize, `<step>.<metric>` (a metric or a numeric output). */
  objective: z.strictObject({ metric: z.string().min(1), direction: z.enum(['minimize', 'maximize']) }).optional(),
});
export type LaunchSweep = z.infer<typeof launchSweepSchema>;

export const launchInput = z.strictObject({
  /** The experiment file (its directory resolves relative paths; it is recorded on the run). */
  path: z.string().min(1).max(4096),
  /** The text to run; defaults to the file's content. */
  text: z.string().max(8 * 1024 * 1024).optional(),
  target: z.string().min(1).default('local'),
  /** Parallel steps within a run (the experiment's `concurrency` otherwise). */
  concurrency: z.number().int().min(1).max(256).optional(),
  /** Parallel runs of a sweep. */
  parallelRuns: z.number().int().min(1).max(64).default(1),
  tags: z.array(z.string().min(1).max(100)).max(50).default([]),
  budget: z
    .strictObject({
      /** Wall-clock cap of the whole launch; runs still going are cancelled (resumable). */
      maxMinutes: z.number().positive().optional(),
      /** At most this many runs (sweep trials) are started. */
      maxRuns: z.number().int().min(1).optional(),
    })
    .default({}),
  sweep: launchSweepSchema.optional(),
});
export type LaunchInput = z.input<typeof launchInput>;

export const launchSchema = z.object({
  launchId: z.string(),
  /** Runs created so far (a TPE sweep creates its later runs as earlier ones finish). */
  runIds: z.array(z.string()),
});

export const interruptedRunSchema = z.object({
  runId: z.string(),
  name: z.string(),
  state: z.string(),
  createdAt: z.number(),
  stepsDone: z.number().int(),
  steps: z.number().int(),
});

export const launchMethods = {
  'runs.launch': { input: launchInput, output: launchSchema },
  /** Cancels a run wherever it executes (this process or another one holding its lease); resumable later. */
  'runs.cancel': { input: z.strictObject({ runId }), output: z.object({ runId: z.string(), requested: z.boolean() }) },
  /** Resumes a cancelled, failed or interrupted run in the background. */
  'runs.resume': { input: z.strictObject({ runId }), output: z.object({ runId: z.string() }) },
  /** Runs launched from the app that were left unfinished (the app closed) and nobody executes now. */
  'runs.interrupted': { input: z.strictObject({}), output: z.array(interruptedRunSchema) },
  /** Stops offering a run as interrupted (it stays resumable from the run view). */
  'runs.dismissInterrupted': { input: z.strictObject({ runIds: z.array(runId).min(1).max(1000) }), output: z.object({ dismissed: z.number().int() }) },
} as const;

export const launchEvents = {
  /** A launch created a run or ended. */
  'launch.progress': z.object({ launchId: z.string(), runIds: z.array(z.string()), done: z.boolean(), error: z.string().nullable() }),
} as const;
