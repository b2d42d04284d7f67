/**
 * dispatchCall: the ONE entry point of the UI contract. Electron IPC and serve mode's
 * WebSocket both call it; it validates the input with the contract's zod schema, runs the
 * read model, and turns every failure into a Result with a stable code — never a stack.
 */
import { contract, type MethodName, type Result } from '../common/contract';
import { NotFoundError } from '../query/run-detail';
import { KernelError } from './errors';
import { compareHandlers } from './handlers/compare';
import { editorHandlers } from './handlers/editor';
import { launchHandlers } from './handlers/launch';
import { readHandlers } from './handlers/read';
import { replayHandlers } from './handlers/replay';
import { schedHandlers } from './handlers/sched';
import { targetsHandlers } from './handlers/targets';
import type { DispatchContext, Handlers } from './handlers/types';
import type { Kernel } from './kernel';

export type { DispatchContext } from './handlers/types';

const handlers: Handlers = { ...readHandlers, ...editorHandlers, ...launchHandlers, ...compareHandlers, ...replayHandlers, ...schedHandlers, ...targetsHandlers };

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
    // A request the kernel understood but cannot carry out as asked (wrong file type, a run in the wrong state).
    if (err instanceof KernelError && (err.code === 'BAD_INPUT' || err.code === 'BAD_STATE' || err.code === 'INVALID_PLAN')) {
      return { ok: false, error: { code: 'bad_input', message: err.message } };
    }
    return { ok: false, error: { code: 'internal', message: `${method} failed: ${(err as Error)?.message ?? String(err)}` } };
  }
}
