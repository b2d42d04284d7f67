/**
 * Places the kernel's check result on the canvas: problems on the steps (nodes) and
 * dependencies (edges) where they are, and the cache verdict of each step of the file
 * (a sweep template step stands for all its trial copies).
 */
import type { EditorProblem, ExperimentCheck } from '../../../../kernel/common/contract-editor';
import type { EditorEdge } from './model/types';

export type CacheVerdict = 'hit' | 'run' | 'unknown' | 'mixed';

export interface StepCache {
  verdict: CacheVerdict;
  hits: number;
  total: number;
}

export interface Annotations {
  /** Step key → its problems (edge problems included: the target step has them too). */
  nodes: Map<string, EditorProblem[]>;
  /** `source->target` → the problems of that dependency. */
  edges: Map<string, EditorProblem[]>;
  /** Problems placed on no step (file level, unknown step). */
  file: EditorProblem[];
  cache: Map<string, StepCache>;
}

/** The key of a displayed edge: one per source → target pair, whatever its fields. */
export function pairKey(source: string, target: string): string {
  return `${source}->${target}`;
}

/** One displayed edge per source → target pair, with the file's edges it stands for. */
export function pairEdges(edges: EditorEdge[]): Array<{ key: string; source: string; target: string; edges: EditorEdge[] }> {
  const out = new Map<string, { key: string; source: string; target: string; edges: EditorEdge[] }>();
  for (const e of edges) {
    const key = pairKey(e.source, e.target);
    const cur = out.get(key) ?? { key, source: e.source, target: e.target, edges: [] };
    cur.edges.push(e);
    out.set(key, cur);
  }
  return [...out.values()];
}

/**
 * @example annotate(['a','b'], check) → nodes.get('b') holds the cycle problem of b; edges.get('a->b') too.
 */
export function annotate(stepKeys: readonly string[], check: ExperimentCheck | null): Annotations {
  const known = new Set(stepKeys);
  const nodes = new Map<string, EditorProblem[]>();
  const edges = new Map<string, EditorProblem[]>();
  const file: EditorProblem[] = [];
  const cache = new Map<string, StepCache>();
  if (!check) return { nodes, edges, file, cache };
  const push = <K>(m: Map<K, EditorProblem[]>, k: K, p: EditorProblem) => m.set(k, [...(m.get(k) ?? []), p]);
  for (const p of check.problems) {
    if (p.stepId === null || !known.has(p.stepId)) {
      file.push(p);
      continue;
    }
    push(nodes, p.stepId, p);
    if (p.depId !== null) push(edges, pairKey(p.depId, p.stepId), p);
  }
  for (const s of check.steps) {
    const cur = cache.get(s.source) ?? { verdict: s.cache, hits: 0, total: 0 };
    cur.total += 1;
    if (s.cache === 'hit') cur.hits += 1;
    if (cur.verdict !== s.cache) cur.verdict = 'mixed';
    cache.set(s.source, cur);
  }
  return { nodes, edges, file, cache };
}
