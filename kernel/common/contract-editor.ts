/**
 * Contract methods of the experiment editor (U4): the skill palette, opening and saving
 * `experiment.yaml`, and live checking with the kernel's own loader and validator.
 */
import { z } from 'zod';

/** A JSON Schema object (draft 2020-12) as produced by zod's `z.toJSONSchema`. */
const jsonSchema = z.record(z.string(), z.unknown());

export const skillInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  kind: z.enum(['inproc', 'job']),
  capabilities: z.array(z.string()),
  /** JSON Schema of the params (types, ranges, enums, defaults) the editor's forms come from. */
  params: jsonSchema,
  /** JSON Schema of the outputs; its property names are the step's output ports. */
  outputs: jsonSchema,
});
export type SkillInfo = z.infer<typeof skillInfoSchema>;

/** One problem, placed in the file and, when it has one, on a step (node) and a dependency (edge). */
export const editorProblemSchema = z.object({
  /** Step id as written in the file (a sweep template step is `<sweep>.<step>`), null for the file. */
  stepId: z.string().nullable(),
  /** Dotted path relative to the step (`params.lr`, `deps.0`), or from the top for the file. */
  field: z.string(),
  /** For an edge problem (cycle, dangling reference): the dependency step id, as written in the file. */
  depId: z.string().nullable(),
  line: z.number().int(),
  col: z.number().int(),
  message: z.string(),
  hint: z.string().nullable(),
});
export type EditorProblem = z.infer<typeof editorProblemSchema>;

/** A step of the expanded plan, and whether the cache already holds its result. */
export const plannedStepSchema = z.object({
  id: z.string(),
  skill: z.string(),
  /** The step in the file this one comes from (`train`, or `<sweep>.<step>` for a trial copy). */
  source: z.string(),
  deps: z.array(z.string()),
  /** hit: a committed result with the same cache key exists; run: it will execute; unknown: depends on a step that will run. */
  cache: z.enum(['hit', 'run', 'unknown']),
});

export const experimentCheckSchema = z.object({
  ok: z.boolean(),
  problems: z.array(editorProblemSchema),
  /** Empty when the file does not load. */
  steps: z.array(plannedStepSchema),
  sweeps: z.array(z.object({ name: z.string(), protocol: z.string(), trials: z.number().int() })),
  /** Counts over `steps`. */
  summary: z.object({ steps: z.number().int(), hits: z.number().int(), willRun: z.number().int(), unknown: z.number().int() }),
});
export type ExperimentCheck = z.infer<typeof experimentCheckSchema>;

const filePath = z.string().min(1).max(4096);

export const editorMethods = {
  'skills.list': { input: z.strictObject({}), output: z.array(skillInfoSchema) },
  /** The example experiments shipped with the app. */
  'experiments.examples': {
    input: z.strictObject({}),
    output: z.array(z.object({ name: z.string(), path: z.string(), description: z.string().nullable() })),
  },
  /** Reads an `.yaml`/`.yml` file (absolute, or relative to the kernel's working directory). */
  'experiments.read': { input: z.strictObject({ path: filePath }), output: z.object({ path: z.string(), text: z.string() }) },
  /** Loads + validates text as if it were the file at `path` (relative paths in params resolve against its directory). */
  'experiments.check': {
    input: z.strictObject({ text: z.string().max(8 * 1024 * 1024), path: filePath.optional() }),
    output: experimentCheckSchema,
  },
  /** Writes the text atomically (temp file + rename). Refuses non-YAML names. */
  'experiments.save': {
    input: z.strictObject({ path: filePath, text: z.string().max(8 * 1024 * 1024) }),
    output: z.object({ path: z.string(), bytes: z.number().int() }),
  },
} as const;
