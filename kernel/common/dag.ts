/** DAG algorithms over step ids. Pure; used by the validator, the scheduler and the UI. */

export interface DagNode {
  id: string;
  deps: readonly string[];
}

/**
 * Finds one cycle per strongly connected component, each as a closed path.
 * @example findCycles([{id:'a',deps:['b']},{id:'b',deps:['a']}]) → [['a','b','a']]
 */
export function findCycles(nodes: readonly DagNode[]): string[][] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of byId.get(id)?.deps ?? []) {
      if (!byId.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'visiting') {
        const cycle = stack.slice(stack.indexOf(dep));
        const key = [...cycle].sort().join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          // Present the cycle in dependency order: a needs b needs … needs a.
          cycles.push([...cycle, dep]);
        }
      } else if (s === undefined) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const n of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) {
    if (!state.has(n.id)) visit(n.id);
  }
  return cycles;
}

/**
 * Deterministic topological order (Kahn; ties broken by id) — dependencies first.
 * Throws on a cycle; validate first.
 */
export function topoOrder(nodes: readonly DagNode[]): string[] {
  const indegree = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const n of nodes) {
    indegree.set(n.id, n.deps.length);
    for (const d of n.deps) children.set(d, [...(children.get(d) ?? []), n.id]);
  }
  const ready = nodes.filter((n) => n.deps.length === 0).map((n) => n.id).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    const freed: string[] = [];
    for (const c of children.get(id) ?? []) {
      const left = (indegree.get(c) ?? 0) - 1;
      indegree.set(c, left);
      if (left === 0) freed.push(c);
    }
    ready.push(...freed);
    ready.sort();
  }
  if (order.length !== nodes.length) throw new Error('plan has a cycle; validate it first');
  return order;
}

/** All transitive dependents of `id` (not including it). */
export function descendants(nodes: readonly DagNode[], id: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const n of nodes) for (const d of n.deps) children.set(d, [...(children.get(d) ?? []), n.id]);
  const out = new Set<string>();
  const todo = [...(children.get(id) ?? [])];
  while (todo.length > 0) {
    const c = todo.pop() as string;
    if (out.has(c)) continue;
    out.add(c);
    todo.push(...(children.get(c) ?? []));
  }
  return out;
}
