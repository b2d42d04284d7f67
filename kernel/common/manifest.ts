/**
 * Reproducibility manifest (R1): everything needed to say what a run was — its steps and
 * resolved params, every artifact it consumed or produced, the code and the machine it ran
 * on. Pure zod so the renderer can validate and diff manifests without Node.
 */
import { z } from 'zod';

export const MANIFEST_VERSION = 1;

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);
const ms = z.number().int().nullable();

export const manifestStepSchema = z.strictObject({
  id: z.string(),
  skill: z.string(),
  /** The version that computed the cache key (from the cache row), else the registry's. */
  skillVersion: z.string().nullable(),
  /** Params as resolved for execution (references hydrated), null when never resolved. */
  params: z.record(z.string(), z.unknown()).nullable(),
  cacheKey: z.string().nullable(),
  cacheHit: z.boolean(),
  attempt: z.number().int(),
  state: z.string(),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  /** Every artifact in `outputs`, by output path (`out`, `files.0`). */
  artifacts: z.record(z.string(), digest),
  durationMs: ms,
  /** The exact command (argv) of the job that produced the outputs; null for in-process steps and cache hits. */
  command: z.array(z.string()).nullable(),
});
export type ManifestStep = z.infer<typeof manifestStepSchema>;

export const manifestDataSchema = z.strictObject({
  size: z.number().int().nullable(),
  /** `<step>.outputs.<path>` of every step output holding this blob. */
  producedBy: z.array(z.string()),
  /** Ids of steps that reference it through `${steps.…}`. */
  consumedBy: z.array(z.string()),
});

export const manifestCodeSchema = z.strictObject({
  /** The experiment directory (where the experiment file and its scripts live). */
  dir: z.string(),
  experimentFile: z.string().nullable(),
  experimentDigest: z.string().nullable(),
  git: z
    .strictObject({ commit: z.string().nullable(), dirty: z.boolean(), diffDigest: z.string().nullable() })
    .nullable(),
  /** Scripts that `python` steps name, by path relative to `dir`; null when unreadable. */
  files: z.record(z.string(), digest.nullable()),
});
export type ManifestCode = z.infer<typeof manifestCodeSchema>;

export const manifestEnvironmentSchema = z.strictObject({
  os: z.strictObject({ platform: z.string(), release: z.string(), arch: z.string() }),
  cpu: z.strictObject({ model: z.string(), count: z.number().int() }),
  memoryBytes: z.number().int(),
  node: z.string(),
  python: z.string().nullable(),
  pip: z.strictObject({ digest, packages: z.number().int() }).nullable(),
  torch: z.string().nullable(),
  cuda: z.string().nullable(),
  gpus: z.array(z.strictObject({ name: z.string(), driver: z.string() })),
});
export type ManifestEnvironment = z.infer<typeof manifestEnvironmentSchema>;

export const manifestSchema = z.strictObject({
  manifestVersion: z.literal(MANIFEST_VERSION),
  run: z.strictObject({
    id: z.string(),
    name: z.string(),
    state: z.string(),
    createdAt: z.number().int(),
    startedAt: ms,
    endedAt: ms,
    planDigest: z.string(),
    kernelVersion: z.string(),
  }),
  steps: z.array(manifestStepSchema),
  /** Keyed by artifact digest. */
  data: z.record(z.string(), manifestDataSchema),
  code: manifestCodeSchema,
  environment: manifestEnvironmentSchema,
  /** When code and environment were captured (they are frozen once a run has ended). */
  capturedAt: z.number().int(),
  /** Last value of each metric, per step: `{ train: { loss: 0.12 } }`. */
  metrics: z.record(z.string(), z.record(z.string(), z.number())),
});
export type Manifest = z.infer<typeof manifestSchema>;
