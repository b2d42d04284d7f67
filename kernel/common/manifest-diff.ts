/**
 * Diff of two reproducibility manifests (R2), grouped into the questions a researcher asks:
 * did the params, the data, the code, the machine, the results or the steps change?
 * Pure: the renderer uses it as is. Run ids, timestamps and durations are never compared.
 */
import { isArtifactRef } from './plan';
import type { Manifest } from './manifest';

export const DIFF_SECTIONS = ['params', 'data', 'code', 'environment', 'metrics', 'steps'] as const;
export type DiffSection = (typeof DIFF_SECTIONS)[number];

/** One differing leaf; `null` stands for "absent" as well. */
export interface DiffChange {
  path: string;
  a: unknown;
  b: unknown;
}

export interface SectionDiff {
  identical: boolean;
  changes: DiffChange[];
}

export type ManifestDiff = Record<DiffSection, SectionDiff>;

/** @example diffManifests(a, b).params.changes → [{ path: 'train.lr', a: 0.1, b: 0.01 }] */
export function diffManifests(a: Manifest, b: Manifest): ManifestDiff {
  const views: Record<DiffSection, (m: Manifest) => Record<string, unknown>> = {
    params: (m) => Object.fromEntries(m.steps.map((s) => [s.id, s.params])),
    data: dataView,
    code: (m) => ({ ...m.code, dir: undefined, kernelVersion: m.run.kernelVersion }),
    environment: (m) => m.environment,
    metrics: (m) => m.metrics,
    steps: (m) =>
      Object.fromEntries(
        m.steps.map((s) => [
          s.id,
          { skill: s.skill, skillVersion: s.skillVersion, state: s.state, attempt: s.attempt, cacheKey: s.cacheKey, cacheHit: s.cacheHit, outputs: withoutArtifacts(s.outputs) },
        ]),
      ),
  };
  const out = {} as ManifestDiff;
  for (const section of DIFF_SECTIONS) {
    const changes = compareFlat(flatten(views[section](a)), flatten(views[section](b)));
    out[section] = { identical: changes.length === 0, changes };
  }
  return out;
}

/** Which blob each produced output holds; blobs nobody in the run produced are keyed by digest. */
function dataView(m: Manifest): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [digest, d] of Object.entries(m.data)) {
    if (d.producedBy.length === 0) view[`external.${digest}`] = digest;
    for (const p of d.producedBy) view[p] = digest;
  }
  return view;
}

function withoutArtifacts(value: unknown): unknown {
  if (isArtifactRef(value)) return undefined;
  if (Array.isArray(value)) return value.map(withoutArtifacts);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutArtifacts(v)]));
  }
  return value;
}

/** Leaves by dotted path (`a.b.0.c`); empty objects and arrays are leaves too. */
export function flatten(value: unknown, prefix = '', out: Map<string, unknown> = new Map()): Map<string, unknown> {
  const isObj = value !== null && typeof value === 'object';
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : isObj
      ? Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
      : [];
  if (!isObj || entries.length === 0) {
    if (prefix !== '') out.set(prefix, value === undefined ? null : value);
    return out;
  }
  for (const [k, v] of entries) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  return out;
}

/** Leaf-by-leaf differences of two flattened values, paths sorted. @example compareFlat(flatten({ a: 1 }), flatten({ a: 2 })) → [{ path: 'a', a: 1, b: 2 }] */
export function compareFlat(a: Map<string, unknown>, b: Map<string, unknown>): DiffChange[] {
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: DiffChange[] = [];
  for (const path of paths) {
    const va = a.has(path) ? a.get(path) : null;
    const vb = b.has(path) ? b.get(path) : null;
    if (JSON.stringify(va) !== JSON.stringify(vb)) changes.push({ path, a: va, b: vb });
  }
  return changes;
}
