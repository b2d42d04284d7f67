/**
 * Plan IR (K1): the kernel's one representation of an experiment, a DAG of steps.
 * Pure TypeScript + zod; the renderer may import it.
 */
import { z } from 'zod';

export const CAPABILITIES = ['fs', 'net', 'gpu', 'subprocess'] as const;
export const capabilitySchema = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof capabilitySchema>;

/** Failure classes (K9) drive the recovery policy of a retry. */
export const FAILURE_CLASSES = [
  'user_error',
  'timeout',
  'oom',
  'preempted',
  'network',
  'infrastructure',
  'budget',
  'policy',
  'lost',
] as const;
export const failureClassSchema = z.enum(FAILURE_CLASSES);
export type FailureClass = z.infer<typeof failureClassSchema>;

/**
 * How an attempt that ran out of memory is retried (D6): with `memoryFactor` × the memory
 * it had, and/or with the numeric param at dotted path `param` (e.g. `config.batch_size`)
 * multiplied by `paramFactor` (rounded down, at least `paramMin`).
 */
export const oomRecoverySchema = z.strictObject({
  memoryFactor: z.number().min(1).max(16).optional(),
  param: z.string().min(1).optional(),
  paramFactor: z.number().gt(0).lt(1).optional(),
  paramMin: z.number().min(0).optional(),
});
export type OomRecovery = z.infer<typeof oomRecoverySchema>;

export const resourcesSchema = z.strictObject({
  cpus: z.number().positive().max(1024).optional(),
  memoryMb: z.number().int().positive().optional(),
  gpus: z.number().int().min(0).max(64).optional(),
});
export type Resources = z.infer<typeof resourcesSchema>;

export const retryPolicySchema = z.strictObject({
  /** Attempts after the first one. */
  max: z.number().int().min(0).max(100).default(0),
  /** Delay before the first retry; doubled (times `factor`) for each further one. */
  backoffMs: z.number().int().min(0).max(3_600_000).default(1000),
  factor: z.number().min(1).max(10).default(2),
  maxBackoffMs: z.number().int().min(0).max(3_600_000).default(60_000),
  /** Failure classes that are retried; others fail the step at once. */
  on: z.array(failureClassSchema).default(['timeout', 'oom', 'preempted', 'network', 'infrastructure', 'lost']),
  /** What changes for a retry after `oom` (absent: the same job again). */
  oom: oomRecoverySchema.optional(),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

export const DEFAULT_RETRY: RetryPolicy = retryPolicySchema.parse({});

export const stepIdSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/, 'a step id starts with a letter or _ and holds only letters, digits, _ and -')
  // Object keys like __proto__ vanish from records: refuse them rather than lose a step.
  .refine((id) => !['__proto__', 'constructor', 'prototype'].includes(id), 'this step id is reserved');

/**
 * When a step may start: `all_success` (the default) once every dependency COMPLETED;
 * `all_done` once every dependency ended (COMPLETED, FAILED, UPSTREAM_FAILED), with
 * references to a dependency that did not complete hydrating to `null` — a sweep's report
 * still runs when one trial fails.
 */
export const TRIGGERS = ['all_success', 'all_done'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const planStepSchema = z.strictObject({
  id: stepIdSchema,
  skill: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  /** Named inputs, usually `${steps.<id>.outputs.<name>}` references. */
  inputs: z.record(z.string(), z.unknown()).default({}),
  /** Explicit dependencies; references in params/inputs add implied ones. */
  deps: z.array(stepIdSchema).default([]),
  capabilities: z.array(capabilitySchema).default([]),
  retry: retryPolicySchema.default(DEFAULT_RETRY),
  /** Wall-clock limit of one attempt, in milliseconds (0 = none). */
  timeoutMs: z.number().int().min(0).default(0),
  target: z.string().min(1).default('local'),
  // The D6 fields are optional without defaults, so plans written before them keep their digest.
  /** Scheduling priority (D6): higher is admitted first and may preempt lower preemptible work. Absent = 0. */
  priority: z.number().int().min(-1000).max(1000).optional(),
  /** What one attempt needs (CPUs, memory, GPUs); overrides the skill's own request. */
  resources: resourcesSchema.optional(),
  /** Container image on docker targets (the target's default otherwise). */
  image: z.string().min(1).optional(),
  /** The scheduler may preempt this step for higher-priority work (it checkpoints via the worker SDK). */
  preemptible: z.boolean().optional(),
  /** Reuse a committed result with the same cache key (K6). */
  cache: z.boolean().default(true),
  /**
   * The default is dropped rather than filled in, so plans written before triggers existed
   * keep their digest: the parsed step holds `trigger` only when it is `all_done`.
   */
  trigger: z
    .enum(TRIGGERS)
    .optional()
    .transform((t): 'all_done' | undefined => (t === 'all_done' ? t : undefined)),
});
// `trigger` is optional for writers too: a step without it is an all_success step.
export type PlanStep = Omit<z.infer<typeof planStepSchema>, 'trigger'> & { trigger?: 'all_done' };

export const budgetSchema = z.strictObject({
  wallTimeSec: z.number().positive().optional(),
  usd: z.number().nonnegative().optional(),
  tokens: z.number().int().nonnegative().optional(),
  gpuHours: z.number().nonnegative().optional(),
});
export type Budget = z.infer<typeof budgetSchema>;

export const planSchema = z.strictObject({
  name: z.string().min(1),
  /** Maximum number of steps executing at once. */
  concurrency: z.number().int().min(1).max(1024).default(4),
  budget: budgetSchema.default({}),
  steps: z.array(planStepSchema),
  /** Directory that relative paths in params are resolved against (the experiment file's). */
  baseDir: z.string().default('.'),
});
export type Plan = z.infer<typeof planSchema>;

/** One validation finding, always naming the step and the field. */
export interface PlanIssue {
  stepId: string | null;
  field: string;
  message: string;
  /** For an edge problem (unknown or self dependency/reference): the step depended on. */
  depId?: string;
  /** For a dependency cycle: the steps in dependency order, first repeated last (a needs b needs a). */
  cycle?: string[];
}

export const RUN_STATES = ['CREATED', 'PLANNED', 'RUNNING', 'COMPLETED', 'FAILED', 'ABORTED'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const STEP_STATES = [
  'PENDING',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'UPSTREAM_FAILED',
  'ABORTED',
] as const;
export type StepState = (typeof STEP_STATES)[number];

export const TERMINAL_STEP_STATES: ReadonlySet<StepState> = new Set(['COMPLETED', 'FAILED', 'UPSTREAM_FAILED', 'ABORTED']);

/** Lifecycle phases (K2), in order. */
export const PHASES = ['resolve', 'validate', 'authorize', 'execute', 'verify', 'commit', 'checkpoint'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * An artifact output value: a blob in the CAS. Any output value may be one, or hold them.
 * @example { $artifact: 'sha256:9f86…', size: 12, name: 'result.txt' }
 */
export interface ArtifactRef {
  $artifact: string;
  size: number;
  name: string;
}

export function isArtifactRef(v: unknown): v is ArtifactRef {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { $artifact?: unknown }).$artifact === 'string' &&
    (v as { $artifact: string }).$artifact.startsWith('sha256:')
  );
}
