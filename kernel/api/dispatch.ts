/**
 * dispatchCall: the ONE entry point of the UI contract. Electron IPC and serve mode's
 * WebSocket both call it; it validates the input with the contract's zod schema, runs the
 * read model, and turns every failure into a Result with a stable code — never a stack.
 */
import pkg from '../../package.json';
import { contract, type MethodName, type MethodOutput, type Result } from '../common/contract';
import { buildManifest } from '../manifest/build';
import { readStepLog } from '../query/logs';
import { listMetricNames, metricSeries } from '../query/metrics';
import { getRunDetail, listArtifacts, NotFoundError, type QueryContext } from '../query/run-detail';
import { listRunSummaries } from '../query/runs-list';
import { KernelError } from './errors';
import type { Kernel } from './kernel';

export interface DispatchContext {
  mode: 'electron' | 'serve';
}

type Handlers = { [M in MethodName]: (k: Kernel, input: never, ctx: DispatchContext) => Promise<MethodOutput<M>> | MethodOutput<M> };

const q = (k: Kernel): QueryContext => ({ db: k.db, blobs: k.journal.blobs, jobsRoot: k.paths.jobs });

const handlers: Handlers = {
  'app.info': (k, _i, ctx) => ({ version: pkg.version, home: k.paths.home, mode: ctx.mode }),
  'runs.list': (k, i: Parameters<typeof listRunSummaries>[1]) => listRunSummaries(k.db, i),
  'runs.get': (k, i: { runId: string }) => getRunDetail(q(k), i.runId),
  'logs.read': (k, i: Parameters<typeof readStepLog>[1]) => readStepLog(q(k), i),
  'metrics.list': (k, i: { runId: string }) => listMetricNames(k.db, i.runId),
  'metrics.series': (k, i: Parameters<typeof metricSeries>[1]) => metricSeries(k.db, i),
  'artifacts.list': (k, i: { runId: string }) => listArtifacts(q(k), i.runId),
  'manifest.get': (k, i: { runId: string }) => {
    if (!k.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(i.runId)) throw new NotFoundError(`no run with id "${i.runId}"`);
    return buildManifest(k, i.runId) as unknown as Record<string, unknown>;
  },
};

const isMethod = (m: string): m is MethodName => Object.hasOwn(contract.methods, m);

/**
 * @example await dispatchCall(kernel, 'runs.get', { runId }) // { ok: true, value: { id, stepsDetail, … } }
 */
export async function dispatchCall(kernel: Kernel, method: string, rawInput: unknown, ctx: DispatchContext = { mode: 'electron' }): Promise<Result<unknown>> {
  if (typeof method !== 'string' || !isMethod(method)) {
    return { ok: false, error: { code: 'unknown_method', message: `unknown method "${String(method)}"` } };
  }
  const parsed = contract.methods[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
    return { ok: false, error: { code: 'bad_input', message: `${method}: ${message}` } };
  }
  try {
    const value = await (handlers[method] as (k: Kernel, i: unknown, c: DispatchContext) => unknown)(kernel, parsed.data, ctx);
    return { ok: true, value };
  } catch (err) {
    if (err instanceof NotFoundError || (err instanceof KernelError && err.code === 'NOT_FOUND')) {
      return { ok: false, error: { code: 'not_found', message: err.message } };
    }
    return { ok: false, error: { code: 'internal', message: `${method} failed: ${(err as Error)?.message ?? String(err)}` } };
  }
}
