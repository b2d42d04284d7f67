/**
 * The zod schema of an `experiment.yaml` file, format version 1, as written by people, and
 * its mapping onto the Plan IR. Messages are written for the person editing the file (the
 * loader adds position and path); bounds mirror plan.ts so that a file that passes here
 * always builds a valid Plan.
 */
import { z } from 'zod';
import { CAPABILITIES, FAILURE_CLASSES, planSchema, retryPolicySchema, stepIdSchema, type Plan, type PlanStep, type RetryPolicy } from '../common/plan';
import { DURATION_FORMS, formatDuration, parseDuration } from './duration';
import { checkSweep, sweepFields } from './sweep-schema';

/** The newest format version; 1 (fixed steps only) is still read. */
export const FORMAT_VERSION = 2;
export const FORMAT_VERSIONS = [1, 2] as const;

/** Sweep keys people put at the top level by mistake; they belong inside `sweeps.<name>`. */
export const SWEEP_KEYS = ['grid', 'random', 'tpe', 'seeds', 'curriculum', 'ensemble', 'select', 'objective', 'sweep', 'protocol'];

const SWEEP_HINT = 'sweeps go under sweeps: { <name>: { grid: { rank: [8, 16] }, steps: { … } } } (format version 2)';

/** Hints for a required key that is missing, by key name. */
export const REQUIRED_HINTS: Record<string, string> = {
  name: 'give the experiment a name, e.g. name: my-experiment',
  steps: 'list the steps as a map keyed by step id, e.g. steps: { hello: { skill: shell, params: { command: echo hi } } }',
  skill: 'every step names the skill that runs it, e.g. skill: shell',
};

/**
 * Describes a value in a message the way it appeared in the file.
 * @example showValue('three') // '"three"'; showValue(null) // 'nothing'
 */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

type Ctx = z.RefinementCtx;

function fail(ctx: Ctx, message: string, hint?: string, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message, params: hint === undefined ? {} : { hint }, ...(path && { path }) });
}

const isMap = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the overall shape first so that a wrong shape gets one clear message with a hint. */
function shaped<T extends z.ZodType>(ok: (v: unknown) => boolean, expected: string, hint: (v: unknown) => string | undefined, schema: T) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (!ok(v)) fail(ctx, `expected ${expected}, got ${showValue(v)}`, hint(v));
    })
    .pipe(schema);
}

function num(o: { int?: boolean; min: number; max?: number; exclusiveMin?: boolean }) {
  const what = o.int ? 'a whole number' : 'a number';
  const low = `expected ${what} ${o.exclusiveMin ? '>' : '≥'} ${o.min}`;
  let s = z.number({ error: low });
  if (o.int) s = s.int({ error: low });
  s = o.exclusiveMin ? s.gt(o.min, { error: low }) : s.min(o.min, { error: low });
  return o.max === undefined ? s : s.max(o.max, { error: `expected ${what} ≤ ${o.max}` });
}

const text = () => z.string({ error: 'expected a string' });
const nonEmpty = () => z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' });

/** Duration schemas, which JSON Schema generation describes as "30s" strings or seconds. */
export const DURATION_SCHEMAS = new WeakSet<z.ZodType>();

function duration(maxMs?: number) {
  const s = z.unknown().transform((v, ctx) => {
    const r = parseDuration(v);
    if ('error' in r) {
      fail(ctx, r.error, DURATION_FORMS);
      return z.NEVER;
    }
    if (maxMs !== undefined && r.ms > maxMs) {
      fail(ctx, `expected a duration of at most ${formatDuration(maxMs)}, got ${showValue(v)}`);
      return z.NEVER;
    }
    return r.ms;
  });
  DURATION_SCHEMAS.add(s);
  return s;
}

const ID_RULE = stepIdSchema.safeParse('').error?.issues[0]?.message ?? 'invalid step id';

/**
 * Why a step id is refused, or undefined when it is fine.
 * @example stepIdProblem('9lives') // 'a step id starts with a letter or _ …'
 */
export function stepIdProblem(id: string): string | undefined {
  // zod records and plain objects silently drop this key, so it can never name a step.
  if (id === '__proto__') return '"__proto__" is reserved';
  return stepIdSchema.safeParse(id).success ? undefined : ID_RULE;
}

const stepRef = z.string({ error: 'expected a step id' }).superRefine((id, ctx) => {
  const problem = stepIdProblem(id);
  if (problem) fail(ctx, `expected a step id, got ${showValue(id)}`, problem);
});

const listOf = <T extends z.ZodType>(item: T, expected: string, example: string) =>
  shaped(Array.isArray, expected, (v) => (typeof v === 'string' ? `write a list: [${v}]` : `write a list, e.g. ${example}`), z.array(item));

const freeMap = (what: string) => shaped(isMap, `a map of ${what}`, () => undefined, z.record(z.string(), z.unknown()));

const retry = shaped(
  isMap,
  'a map of retry settings',
  (v) => (typeof v === 'number' ? `write retry: { max: ${v} }` : 'e.g. retry: { max: 2, backoff: 1s }'),
  z.strictObject({
    max: num({ int: true, min: 0, max: 100 }).optional(),
    backoff: duration(3_600_000).optional(),
    factor: num({ min: 1, max: 10 }).optional(),
    maxBackoff: duration(3_600_000).optional(),
    on: listOf(z.enum(FAILURE_CLASSES, { error: `expected one of ${FAILURE_CLASSES.join(', ')}` }), 'a list of failure classes', 'on: [timeout, network]').optional(),
    oom: shaped(isMap, 'a map of OOM recovery settings', () => 'e.g. oom: { memoryFactor: 2, param: config.batch_size, paramFactor: 0.5 }', z.strictObject({
      memoryFactor: num({ min: 1, max: 16 }).optional(),
      param: nonEmpty().optional(),
      paramFactor: num({ min: 0, max: 1, exclusiveMin: true }).optional(),
      paramMin: num({ min: 0 }).optional(),
    })).optional(),
  }),
);

const resources = shaped(isMap, 'a map of resources', () => 'e.g. resources: { cpus: 2, memoryMb: 4096, gpus: 1 }', z.strictObject({
  cpus: num({ min: 0, exclusiveMin: true, max: 1024 }).optional(),
  memoryMb: num({ int: true, min: 1 }).optional(),
  gpus: num({ int: true, min: 0, max: 64 }).optional(),
}));

/** Fields a step may set and `defaults` may set for every step. */
const inheritable = {
  capabilities: listOf(z.enum(CAPABILITIES, { error: `expected one of ${CAPABILITIES.join(', ')}` }), 'a list of capabilities', 'capabilities: [subprocess]').optional(),
  retry: retry.optional(),
  timeout: duration().optional(),
  target: nonEmpty().optional(),
  cache: z.boolean({ error: 'expected true or false' }).optional(),
  priority: num({ int: true, min: -1000, max: 1000 }).optional(),
  resources: resources.optional(),
  image: nonEmpty().optional(),
  preemptible: z.boolean({ error: 'expected true or false' }).optional(),
};

export const stepSchema = shaped(
  isMap,
  'a map describing the step',
  () => 'a step looks like: prepare: { skill: shell, params: { command: echo hi } }',
  z.strictObject({
    skill: nonEmpty(),
    description: text().optional(),
    params: freeMap('parameters').optional(),
    inputs: freeMap('inputs').optional(),
    deps: listOf(stepRef, 'a list of step ids', 'deps: [prepare]').optional(),
    /** all_done: run once every dependency ended, even failed (their outputs read as null). */
    trigger: z.enum(['all_success', 'all_done'], { error: 'expected all_success or all_done' }).optional(),
    ...inheritable,
  }),
);

const steps = z
  .unknown()
  .superRefine((v, ctx) => {
    if (Array.isArray(v)) fail(ctx, 'expected a map of steps keyed by step id, got a list', 'write "prepare: { skill: shell }" instead of "- id: prepare"');
    else if (!isMap(v)) fail(ctx, `expected a map of steps, got ${showValue(v)}`, REQUIRED_HINTS.steps);
    else if (Object.keys(v as object).length === 0) fail(ctx, 'expected at least one step, got an empty map', REQUIRED_HINTS.steps);
  })
  .pipe(z.record(z.string(), stepSchema));

const version = z.unknown().superRefine((v, ctx) => {
  if (!(FORMAT_VERSIONS as readonly unknown[]).includes(v)) fail(ctx, `expected format version 1 or 2, got ${showValue(v)}`);
});

const SWEEP_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const sweep = shaped(
  isMap,
  'a map describing the sweep',
  () => 'a sweep looks like: rank: { grid: { rank: [8, 16] }, steps: { train: { skill: train } } }',
  z.strictObject(sweepFields(stepSchema, steps)).superRefine((v, ctx) => checkSweep(v, ctx)),
);
const sweeps = shaped(isMap, 'a map of sweeps keyed by name', () => SWEEP_HINT, z.record(z.string(), sweep)).superRefine((v, ctx) => {
  for (const name of Object.keys(v)) {
    if (!SWEEP_NAME.test(name)) fail(ctx, `invalid sweep name ${JSON.stringify(name)}`, 'a sweep name starts with a letter or _ and holds up to 32 letters, digits or _ (it prefixes step ids)');
  }
});

/**
 * The whole file. Parse with `{ reportInput: true }` so messages can quote the bad value.
 * @example experimentSchema.safeParse({ name: 'x', steps: { a: { skill: 'noop' } } }, { reportInput: true })
 */
export const experimentSchema = shaped(
  isMap,
  'a map with name and steps at the top level',
  () => 'an experiment file starts like: name: my-experiment',
  z.strictObject({
    version: version.optional(),
    name: nonEmpty(),
    description: text().optional(),
    concurrency: num({ int: true, min: 1, max: 1024 }).optional(),
    budget: shaped(isMap, 'a map of limits', () => 'e.g. budget: { wallTimeSec: 600 }', z.strictObject({
      wallTimeSec: num({ min: 0, exclusiveMin: true }).optional(),
      usd: num({ min: 0 }).optional(),
      tokens: num({ int: true, min: 0 }).optional(),
      gpuHours: num({ min: 0 }).optional(),
    })).optional(),
    defaults: shaped(isMap, 'a map of step defaults', () => 'e.g. defaults: { timeout: 10m }', z.strictObject(inheritable)).optional(),
    steps: steps.optional(),
    sweeps: sweeps.optional(),
    /** Free-form data for tools (the editor keeps node positions in metadata.editor); the plan ignores it. */
    metadata: freeMap('tool data, e.g. metadata: { editor: { positions: { train: [0, 0] } } }').optional(),
  }).superRefine((x, ctx) => {
    if (x.sweeps !== undefined && x.version !== 2) fail(ctx, 'sweeps need format version 2', 'add "version: 2" at the top of the file', ['sweeps']);
  }).refine((x) => x.steps !== undefined || x.sweeps !== undefined, {
    // Runs even when other keys have problems, so a missing name and missing steps show together.
    when: (payload) => isMap(payload.value),
    path: ['steps'],
    message: 'missing required key "steps"',
  }),
);
export type ExperimentInput = z.output<typeof experimentSchema>;
export type StepInput = NonNullable<ExperimentInput['steps']>[string];
export type SweepInput = NonNullable<ExperimentInput['sweeps']>[string];
export type RetryInput = NonNullable<StepInput['retry']>;
export type Defaults = NonNullable<ExperimentInput['defaults']>;

/**
 * Maps one step as written onto the Plan IR: defaults merged field by field, durations in ms.
 * @example toPlanStep('a', { skill: 'noop' }, { timeout: 600000 }).timeoutMs // 600000
 */
export function toPlanStep(id: string, s: Partial<StepInput> & { skill: string }, d: Defaults = {}): PlanStep {
  return {
    id,
    skill: s.skill,
    params: s.params ?? {},
    inputs: s.inputs ?? {},
    deps: [...(s.deps ?? [])],
    capabilities: s.capabilities ?? d.capabilities ?? ['subprocess'],
    // Field by field: a step's own retry replaces only the keys it sets.
    retry: retryPolicy({ ...d.retry, ...defined(s.retry ?? {}) }),
    timeoutMs: s.timeout ?? d.timeout ?? 0,
    target: s.target ?? d.target ?? 'local',
    cache: s.cache ?? d.cache ?? true,
    ...defined({
      priority: s.priority ?? d.priority,
      resources: s.resources ?? d.resources,
      image: s.image ?? d.image,
      preemptible: s.preemptible ?? d.preemptible,
    }),
    ...(s.trigger === 'all_done' && { trigger: 'all_done' as const }),
  };
}

/**
 * Builds the Plan from a validated file's fixed steps plus already expanded sweep steps.
 * @example toPlan(experimentSchema.parse(raw), '/abs/dir').steps[0].timeoutMs // 600000
 */
export function toPlan(x: ExperimentInput, baseDir: string, expanded: readonly PlanStep[] = []): Plan {
  const steps = [...Object.entries(x.steps ?? {}).map(([id, s]) => toPlanStep(id, s, x.defaults)), ...expanded];
  // The schema mirrors plan.ts's bounds, so this only fails if the two drift apart.
  return planSchema.parse({ name: x.name, concurrency: x.concurrency ?? 4, budget: x.budget ?? {}, steps, baseDir });
}

function retryPolicy(r: RetryInput): RetryPolicy {
  return retryPolicySchema.parse(defined({ max: r.max, backoffMs: r.backoff, factor: r.factor, maxBackoffMs: r.maxBackoff, on: r.on, oom: r.oom && defined(r.oom) }));
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The keys a map at `path` may hold, found by walking the schema (empty when not a map).
 * @example allowedKeys(['defaults', 'retry']) // ['max', 'backoff', 'factor', 'maxBackoff', 'on']
 */
export function allowedKeys(path: readonly PropertyKey[]): string[] {
  let s: unknown = experimentSchema;
  let i = 0;
  for (;;) {
    if (s instanceof z.ZodOptional) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.out;
    else if (i === path.length) break;
    else if (s instanceof z.ZodObject) s = (s.shape as Record<PropertyKey, unknown>)[path[i++]!];
    else if (s instanceof z.ZodRecord || s instanceof z.ZodArray) {
      // Any key of a record, any index of a list: descend to the item schema.
      s = s instanceof z.ZodRecord ? s.valueType : s.element;
      i++;
    } else return [];
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

// Names people bring from other tools (or from the Plan IR) that edit distance cannot catch.
const ALIASES: Record<string, string> = {
  dependencies: 'deps', depends_on: 'deps', dependsOn: 'deps', needs: 'deps', after: 'deps',
  parameters: 'params', args: 'params', input: 'inputs', retries: 'retry', caps: 'capabilities',
  timeoutMs: 'timeout', backoffMs: 'backoff', maxBackoffMs: 'maxBackoff', parallelism: 'concurrency',
  sweep: 'sweeps', trials: 'steps', template: 'steps', members: 'ensemble', stages: 'curriculum',
};

/**
 * The hint for an unknown key at `path`: a likely intended key, or the allowed ones.
 * @example unknownKeyHint(['steps', 'a'], 'timout') // 'did you mean "timeout"?'
 */
export function unknownKeyHint(path: readonly PropertyKey[], key: string): string {
  if (path.length === 0 && SWEEP_KEYS.includes(key)) return SWEEP_HINT;
  const allowed = allowedKeys(path);
  const guess = suggest(key, allowed);
  return guess ? `did you mean "${guess}"?` : `allowed keys here: ${allowed.join(', ')}`;
}

function suggest(key: string, allowed: string[]): string | undefined {
  const alias = ALIASES[key];
  if (alias && allowed.includes(alias)) return alias;
  const k = key.toLowerCase();
  let best: string | undefined;
  let bestD = Math.max(1, Math.floor(k.length / 3)) + 1;
  for (const a of allowed) {
    const d = editDistance(k, a.toLowerCase());
    if (d < bestD) {
      best = a;
      bestD = d;
    }
  }
  if (best) return best;
  // A shared prefix of 3+ letters with exactly one key: 'depend' → 'deps', 'capability' → 'capabilities'.
  const byPrefix = allowed.filter((a) => a.length >= 3 && k.length >= 3 && k.slice(0, 3) === a.slice(0, 3).toLowerCase());
  return byPrefix.length === 1 ? byPrefix[0] : undefined;
}

/** Optimal string alignment distance: Levenshtein plus swaps of two neighbours ('tiemout'). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
