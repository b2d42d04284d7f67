/**
 * The graph the canvas draws, read from the parsed file: steps (top-level and sweep template
 * steps, plus an ensemble's aggregate step), their edges (deps and `${…}` references), the
 * sweeps and the saved positions. Reference scoping follows kernel/plan/template.ts: inside a
 * template, `${steps.X…}` is the template sibling X when there is one, else top-level X.
 */
import type { EditorEdge, EditorGraph, EditorStep, EditorSweep, Position } from './types';

const SWEEP_KINDS = ['grid', 'random', 'tpe', 'curriculum', 'ensemble'];
export const TOKEN = /\$\$\{|\$\{([^}]*)\}/g;
export const STEP_REF = /^(prev\.|members\.)?steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.(.+)$/;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObj(v) ? v : {});

/** Where a step lives in the file. */
export interface StepLoc {
  key: string;
  id: string;
  sweep: string | null;
  /** Data path of the step's map. */
  path: Array<string | number>;
  raw: Json;
}

/** Every step of the file with its path; the ensemble aggregate is `<sweep>.aggregate`. */
export function stepLocs(data: Json): StepLoc[] {
  const out: StepLoc[] = [];
  for (const [id, raw] of Object.entries(obj(data.steps))) out.push({ key: id, id, sweep: null, path: ['steps', id], raw: obj(raw) });
  for (const [name, sw] of Object.entries(obj(data.sweeps))) {
    const template = obj(obj(sw).steps);
    for (const [id, raw] of Object.entries(template)) out.push({ key: `${name}.${id}`, id, sweep: name, path: ['sweeps', name, 'steps', id], raw: obj(raw) });
    const agg = obj(obj(sw).ensemble).aggregate;
    if (isObj(agg) && !('aggregate' in template)) out.push({ key: `${name}.aggregate`, id: 'aggregate', sweep: name, path: ['sweeps', name, 'ensemble', 'aggregate'], raw: agg });
  }
  return out;
}

/** One `${…steps.X.outputs.o}` found in a string leaf. */
export interface FoundRef {
  field: string;
  scope: '' | 'prev.' | 'members.';
  id: string;
  output: string;
  /** The string is exactly this reference. */
  whole: boolean;
}

/** Calls `fn` for every string leaf with its dotted path. */
export function walkStrings(value: unknown, path: string, fn: (s: string, path: string) => void): void {
  if (typeof value === 'string') fn(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, `${path}.${i}`, fn));
  else if (isObj(value)) for (const [k, v] of Object.entries(value)) walkStrings(v, `${path}.${k}`, fn);
}

/** The step references in a step's params and inputs. */
export function findStepRefs(raw: Json): FoundRef[] {
  const out: FoundRef[] = [];
  for (const field of ['inputs', 'params'] as const) {
    walkStrings(raw[field], field, (s, path) => {
      for (const m of s.matchAll(TOKEN)) {
        if (m[0] === '$${') continue;
        const r = STEP_REF.exec((m[1] ?? '').trim());
        if (r) out.push({ field: path, scope: (r[1] ?? '') as FoundRef['scope'], id: r[2]!, output: r[3]!, whole: m[0].length === s.length });
      }
    });
  }
  return out;
}

/** Resolves an id written in step `from` (deps entry or reference) to a step key, or null. */
export function resolveKey(from: { sweep: string | null }, id: string, scope: FoundRef['scope'], keys: ReadonlySet<string>): string | null {
  if (from.sweep !== null) {
    const sibling = `${from.sweep}.${id}`;
    if (scope !== '' || keys.has(sibling)) return keys.has(sibling) ? sibling : null;
  } else if (scope !== '') return null;
  return keys.has(id) ? id : null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Edges of the file: deps first, then references, each once by id. */
export function edgesOf(locs: StepLoc[]): EditorEdge[] {
  const keys = new Set(locs.map((l) => l.key));
  const edges = new Map<string, EditorEdge>();
  const add = (e: Omit<EditorEdge, 'id'>) => {
    const id = `${e.source}->${e.target}:${e.field}`;
    if (!edges.has(id)) edges.set(id, { id, ...e });
  };
  for (const l of locs) {
    const deps = Array.isArray(l.raw.deps) ? l.raw.deps : [];
    deps.forEach((d, i) => {
      const source = typeof d === 'string' ? resolveKey(l, d, '', keys) : null;
      if (source) add({ source, target: l.key, kind: 'dep', field: `deps.${i}`, output: null });
    });
    for (const r of findStepRefs(l.raw)) {
      const source = resolveKey(l, r.id, r.scope, keys);
      if (source) add({ source, target: l.key, kind: 'ref', field: r.field, output: r.output });
    }
  }
  return [...edges.values()];
}

function positionsOf(data: Json): Record<string, Position> {
  const out: Record<string, Position> = {};
  for (const [k, v] of Object.entries(obj(obj(obj(data.metadata).editor).positions))) {
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number') out[k] = { x: v[0], y: v[1] };
  }
  return out;
}

/** The sweep's kind; `seeds` only when the block has no kind yet (being written). */
export function protocolOf(spec: Json): string {
  return Object.keys(spec).find((k) => SWEEP_KINDS.includes(k)) ?? ('seeds' in spec ? 'seeds' : '');
}

/**
 * The editor graph of parsed file data (`doc.toJS()`), with the file's syntax errors.
 * @example buildGraph({ name: 'x', steps: { a: { skill: 'noop' } } }, []).steps[0].key // 'a'
 */
export function buildGraph(data: unknown, syntaxErrors: EditorGraph['syntaxErrors']): EditorGraph {
  const d = obj(data);
  const locs = stepLocs(d);
  const steps: EditorStep[] = locs.map((l) => ({
    key: l.key,
    id: l.id,
    sweep: l.sweep,
    skill: str(l.raw.skill) ?? '',
    params: obj(l.raw.params),
    inputs: obj(l.raw.inputs),
    deps: Array.isArray(l.raw.deps) ? l.raw.deps.filter((x): x is string => typeof x === 'string') : [],
    description: str(l.raw.description),
    target: str(l.raw.target),
  }));
  const sweeps: EditorSweep[] = Object.entries(obj(d.sweeps)).map(([name, sw]) => {
    const { steps: _steps, ...spec } = obj(sw);
    void _steps;
    return { name, protocol: protocolOf(spec), spec, steps: locs.filter((l) => l.sweep === name).map((l) => l.key) };
  });
  return { name: str(d.name) ?? '', description: str(d.description), steps, edges: edgesOf(locs), sweeps, positions: positionsOf(d), syntaxErrors };
}
