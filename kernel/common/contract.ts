/**
 * The one contract between the workbench UI and the kernel: every method with a zod input
 * and output schema, every pushed event with a zod payload schema. Both transports — Electron
 * IPC (main/ + preload/) and serve mode (HTTP + WebSocket) — carry exactly this, and the
 * renderer's API type is derived from it, never written twice. Methods are `noun.verb`,
 * events `noun.pastTense`. Results are `{ ok: true, value } | { ok: false, error }`.
 */
import { z } from 'zod';
import { compareMethods } from './contract-compare';
import { editorMethods } from './contract-editor';
import { launchEvents, launchMethods } from './contract-launch';
import { replayMethods } from './contract-replay';
import { schedMethods } from './contract-sched';
import { targetsMethods } from './contract-targets';
import { RUN_STATES, STEP_STATES } from './plan';

const runId = z.string().min(1).max(200);
const stepId = z.string().min(1).max(200);
const runState = z.enum(RUN_STATES);
const stepState = z.enum(STEP_STATES);

/** One row of the runs browser. */
export const runSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  state: runState,
  experimentFile: z.string().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  steps: z.number().int(),
  /** Target of most steps ("local", a docker/ssh/slurm target name). */
  target: z.string(),
  tags: z.array(z.string()),
  /** The run's best value of its headline metric, when it has one. */
  bestMetric: z.object({ name: z.string(), value: z.number() }).nullable(),
  error: z.string().nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const RUN_SORT_FIELDS = ['createdAt', 'name', 'state', 'durationMs', 'bestMetric'] as const;

export const runsListInput = z.strictObject({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
  sort: z.strictObject({ field: z.enum(RUN_SORT_FIELDS), dir: z.enum(['asc', 'desc']) }).default({ field: 'createdAt', dir: 'desc' }),
  filter: z
    .strictObject({
      states: z.array(runState).optional(),
      experiment: z.string().optional(),
      tag: z.string().optional(),
      /** A run whose plan has a step param `key` equal to `value` (e.g. rank = 16). */
      param: z.strictObject({ key: z.string().min(1), value: z.union([z.string(), z.number(), z.boolean()]) }).optional(),
      /** Free text over run id, name, experiment file and tags. */
      search: z.string().max(200).optional(),
    })
    .default({}),
});

export const stepDetailSchema = z.object({
  id: stepId,
  skill: z.string(),
  state: stepState,
  attempt: z.number().int(),
  preemptions: z.number().int(),
  cacheHit: z.boolean(),
  cacheKey: z.string().nullable(),
  deps: z.array(z.string()),
  target: z.string(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  failureClass: z.string().nullable(),
  error: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  inputs: z.record(z.string(), z.unknown()),
  /** Outputs as committed; artifacts appear as `{ $artifact: "sha256:…", size, name }`. */
  outputs: z.record(z.string(), z.unknown()).nullable(),
  /** Last progress fraction a job reported (0..1), if any. */
  progress: z.number().nullable(),
});
export type StepDetail = z.infer<typeof stepDetailSchema>;

export const runDetailSchema = runSummarySchema.extend({
  description: z.string().nullable(),
  concurrency: z.number().int(),
  stepsDetail: z.array(stepDetailSchema),
  /** The run this one re-ran (`sgr rerun`, runs.rerun), or null. */
  rerunOf: z.string().nullable().optional(),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

export const logChunkSchema = z.object({
  /** Byte offset of `text` in the log file, and the offset to ask for next. */
  offset: z.number().int(),
  nextOffset: z.number().int(),
  size: z.number().int(),
  text: z.string(),
  /** True when the step has ended and nothing more will be written. */
  complete: z.boolean(),
});

export const seriesSchema = z.object({
  stepId: z.string(),
  name: z.string(),
  /** Points in the journal for this series. */
  total: z.number().int(),
  /** One entry per bucket: x (step, or index), mean y, and the bucket's min and max y. */
  x: z.array(z.number()),
  y: z.array(z.number()),
  min: z.array(z.number()),
  max: z.array(z.number()),
});
export type Series = z.infer<typeof seriesSchema>;

export const artifactRowSchema = z.object({ stepId: z.string(), output: z.string(), digest: z.string(), size: z.number().nullable(), name: z.string() });

export const contract = {
  methods: {
    'app.info': { input: z.strictObject({}), output: z.object({ version: z.string(), home: z.string(), mode: z.enum(['electron', 'serve']) }) },
    'runs.list': { input: runsListInput, output: z.object({ total: z.number().int(), rows: z.array(runSummarySchema) }) },
    'runs.get': { input: z.strictObject({ runId }), output: runDetailSchema },
    'logs.read': {
      input: z.strictObject({ runId, stepId, stream: z.enum(['stdout', 'stderr']).default('stdout'), offset: z.number().int().min(-1).default(0), limit: z.number().int().min(1).max(4 * 1024 * 1024).default(256 * 1024) }),
      output: logChunkSchema,
    },
    'metrics.list': { input: z.strictObject({ runId }), output: z.array(z.object({ stepId: z.string(), name: z.string(), count: z.number().int() })) },
    'metrics.series': {
      input: z.strictObject({
        runId, stepId: z.string().optional(), name: z.string().min(1), buckets: z.number().int().min(10).max(10_000).default(1000),
        /** x is the reported step (or index), or seconds since the run started ('time'). */
        align: z.enum(['step', 'time']).default('step'),
      }),
      output: z.array(seriesSchema),
    },
    'artifacts.list': { input: z.strictObject({ runId }), output: z.array(artifactRowSchema) },
    'manifest.get': { input: z.strictObject({ runId }), output: z.record(z.string(), z.unknown()) },
    ...editorMethods,
    ...launchMethods,
    ...compareMethods,
    ...replayMethods,
    ...schedMethods,
    ...targetsMethods,
  },
  events: {
    'run.created': z.object({ runId: z.string() }),
    'run.stateChanged': z.object({ runId: z.string(), state: runState, error: z.string().nullable().optional() }),
    'step.stateChanged': z.object({ runId: z.string(), stepId: z.string(), state: stepState, attempt: z.number().int(), cacheHit: z.boolean() }),
    'step.logAppended': z.object({ runId: z.string(), stepId: z.string(), stream: z.enum(['stdout', 'stderr']), text: z.string() }),
    /** The newest point of a series; points reported in a burst are coalesced (refetch the series with `metrics.series`). */
    'step.metricReported': z.object({ runId: z.string(), stepId: z.string(), name: z.string(), value: z.number(), step: z.number().nullable() }),
    ...launchEvents,
  },
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract['methods'];
export type EventName = keyof Contract['events'];
export type MethodInput<M extends MethodName> = z.input<Contract['methods'][M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract['methods'][M]['output']>;
export type EventPayload<E extends EventName> = z.output<Contract['events'][E]>;

export const METHOD_NAMES = Object.keys(contract.methods) as MethodName[];
export const EVENT_NAMES = Object.keys(contract.events) as EventName[];

export const ERROR_CODES = ['bad_input', 'not_found', 'unknown_method', 'internal', 'unauthorized'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } };

/** The API the renderer programs against (window.sgr in Electron, a WebSocket client in serve mode). */
export interface SgrApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void;
}

/**
 * Serve mode's WebSocket frames (JSON text): the client sends calls, the server answers
 * them by id and pushes events.
 * @example { "type": "call", "id": 7, "method": "runs.get", "input": { "runId": "…" } }
 */
export type ClientFrame = { type: 'call'; id: number; method: string; input: unknown };
export type ServerFrame = { type: 'result'; id: number; result: Result<unknown> } | { type: 'event'; event: EventName; payload: unknown };
