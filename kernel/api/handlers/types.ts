/** The shape every group of contract handlers shares; dispatch.ts merges the groups. */
import type { MethodName, MethodOutput } from '../../common/contract';
import type { QueryContext } from '../../query/run-detail';
import type { Kernel } from '../kernel';

export interface DispatchContext {
  mode: 'electron' | 'serve';
}

export type Handler<M extends MethodName> = (k: Kernel, input: never, ctx: DispatchContext) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type HandlerMap<M extends MethodName> = { [K in M]: Handler<K> };
export type Handlers = HandlerMap<MethodName>;

export const q = (k: Kernel): QueryContext => ({ db: k.db, blobs: k.journal.blobs, jobsRoot: k.paths.jobs });

/** A method whose implementation has not landed yet: a clear error, never a crash. */
export function notYet(method: string): never {
  throw new Error(`${method} is not implemented yet`);
}
