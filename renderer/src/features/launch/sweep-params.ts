/**
 * Which parameters of a step the sweep form offers: the ones the step sets in the file
 * (dotted paths to scalar leaves, e.g. `overrides.rank`) and the fields of its skill's
 * params schema, so a parameter left at its default can be swept too.
 */
import { parse } from 'yaml';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Dotted paths of the leaves of nested plain objects; arrays and scalars are leaves. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (!isObj(value)) return prefix ? [prefix] : [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) out.push(...leafPaths(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

/** The params a step sets in the experiment text; `source` is `train` or `<sweep>.<step>`. */
export function stepParamsInText(text: string, source: string): Obj {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    // The form still works from the skill's schema while the text does not parse.
    return {};
  }
  if (!isObj(doc)) return {};
  const dot = source.indexOf('.');
  const container = dot < 0 ? doc.steps : isObj(doc.sweeps) && isObj(doc.sweeps[source.slice(0, dot)]) ? (doc.sweeps[source.slice(0, dot)] as Obj).steps : undefined;
  const id = dot < 0 ? source : source.slice(dot + 1);
  if (!isObj(container) || !isObj(container[id])) return {};
  const params = (container[id] as Obj).params;
  return isObj(params) ? params : {};
}

/** Property paths of a JSON Schema object (nested objects' properties as dotted paths). */
export function schemaPaths(schema: unknown, prefix = '', depth = 0): string[] {
  if (!isObj(schema) || !isObj(schema.properties) || depth > 3) return [];
  const out: string[] = [];
  for (const [k, sub] of Object.entries(schema.properties)) {
    const path = prefix ? `${prefix}.${k}` : k;
    const nested = schemaPaths(sub, path, depth + 1);
    out.push(...(nested.length ? nested : [path]));
  }
  return out;
}

/** The param choices for a step: set in the file first (they are what the user sees), then schema fields. */
export function paramChoices(text: string, source: string, skillParamsSchema: unknown): { path: string; set: boolean }[] {
  const set = leafPaths(stepParamsInText(text, source));
  const seen = new Set(set);
  const fromSchema = schemaPaths(skillParamsSchema).filter((p) => !seen.has(p));
  return [...set.map((path) => ({ path, set: true })), ...fromSchema.map((path) => ({ path, set: false }))];
}

/** The value a step currently sets at a dotted path (to prefill the values list), or undefined. */
export function valueAt(params: Obj, path: string): unknown {
  let cur: unknown = params;
  for (const k of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}
