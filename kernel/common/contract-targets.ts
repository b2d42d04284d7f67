/**
 * Contract methods of targets (U8): where jobs can run (targets.yaml), "test connection",
 * and the live process table — the step attempts running now, on every target.
 */
import { z } from 'zod';

const resourcesSchema = z.object({
  cpus: z.number().optional(),
  memoryMb: z.number().optional(),
  gpus: z.array(z.object({ model: z.string(), memoryMb: z.number().optional() })).optional(),
  maxJobs: z.number().int().optional(),
  maxJobsPerRun: z.number().int().optional(),
});

/** What a probe found (`Dispatcher.probe()`), with when it ended. */
export const targetProbeSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  resources: z
    .object({ cpus: z.number(), memoryMb: z.number(), gpus: z.array(z.object({ index: z.number().int(), model: z.string(), memoryMb: z.number() })) })
    .optional(),
  details: z.record(z.string(), z.string()),
  error: z.string().optional(),
  at: z.number(),
});
export type TargetProbeInfo = z.infer<typeof targetProbeSchema>;

export const targetInfoSchema = z.object({
  name: z.string(),
  kind: z.string(),
  /** False when the target's last check failed (a passing check makes it available again). */
  available: z.boolean(),
  description: z.string().nullable().optional(),
  /** Declared in targets.yaml (not probed). */
  resources: resourcesSchema.nullable().optional(),
  /** Where it is, for humans: `me@gpu1.lab:22`, a docker socket, a Slurm partition. Never a secret. */
  address: z.string().nullable().optional(),
  lastProbe: targetProbeSchema.nullable().optional(),
});
export type TargetInfo = z.infer<typeof targetInfoSchema>;

/** One running step attempt (from the journal's steps table). */
export const processRowSchema = z.object({
  jobId: z.string(),
  runId: z.string(),
  runName: z.string(),
  stepId: z.string(),
  attempt: z.number().int(),
  target: z.string(),
  startedAt: z.number().nullable(),
  /** running: a live process executes the run; unattended: its executor is gone (crash, closed app) — resumable. */
  state: z.enum(['running', 'unattended']),
});
export type ProcessRow = z.infer<typeof processRowSchema>;

export const targetsMethods = {
  'targets.list': { input: z.strictObject({}), output: z.array(targetInfoSchema) },
  /** targets.yaml itself: its path, whether it exists, and its problems (then only `local` is usable). */
  'targets.file': { input: z.strictObject({}), output: z.object({ file: z.string(), exists: z.boolean(), problems: z.string().nullable() }) },
  /** Connects to a target and reports what it has ("Test connection"); the result is recorded. */
  'targets.check': { input: z.strictObject({ name: z.string().min(1).max(64) }), output: targetProbeSchema },
  /** Step attempts running now, on every target, newest first. */
  'jobs.list': { input: z.strictObject({}), output: z.array(processRowSchema) },
} as const;
