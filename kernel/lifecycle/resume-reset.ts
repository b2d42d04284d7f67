/**
 * Which steps a resumed run executes again: those that did not complete, and completed
 * steps that consumed the outcome of one — an all_done step (it saw `null` for a failed
 * dependency that is about to be retried) and everything downstream of it.
 */
import { topoOrder } from '../common/dag';
import type { StepState } from '../common/plan';

export interface ResetNode {
  id: string;
  deps: readonly string[];
  state: StepState;
}

/** @example stepsToReset([{ id: 'a', deps: [], state: 'FAILED' }, { id: 'r', deps: ['a'], state: 'COMPLETED' }]) → Set {'a', 'r'} */
export function stepsToReset(nodes: readonly ResetNode[]): Set<string> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const reset = new Set<string>();
  for (const id of topoOrder(nodes.map((n) => ({ id: n.id, deps: [...n.deps] })))) {
    const n = byId.get(id);
    if (!n) continue;
    if (n.state === 'FAILED' || n.state === 'UPSTREAM_FAILED' || n.state === 'ABORTED') reset.add(id);
    else if (n.state === 'COMPLETED' && n.deps.some((d) => reset.has(d))) reset.add(id);
  }
  return reset;
}
