/**
 * References between steps: `${steps.<id>.outputs.<name>}` inside params and inputs.
 * A string that is exactly one reference takes the referenced value with its type; a
 * reference inside a longer string is interpolated as text. `$${` escapes a literal `${`.
 */

export interface StepRef {
  stepId: string;
  output: string;
}

const TOKEN = /\$\$\{|\$\{([^}]*)\}/g;
const REF = /^steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.([A-Za-z_][A-Za-z0-9_.-]*)$/;

export interface RefProblem {
  /** Dotted path of the offending value, relative to the walked object. */
  path: string;
  message: string;
}

/** Calls `fn` for every string leaf with its dotted path. */
export function walkStrings(value: unknown, path: string, fn: (s: string, path: string) => void): void {
  if (typeof value === 'string') fn(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, join(path, String(i)), fn));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, join(path, k), fn);
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Every reference in `value`, plus malformed `${…}` expressions as problems.
 * @example findRefs({ cmd: 'cat ${steps.a.outputs.f}' }, 'params') → refs [{stepId:'a', output:'f'}]
 */
export function findRefs(value: unknown, basePath: string): { refs: Array<StepRef & { path: string }>; problems: RefProblem[] } {
  const refs: Array<StepRef & { path: string }> = [];
  const problems: RefProblem[] = [];
  walkStrings(value, basePath, (s, path) => {
    for (const m of s.matchAll(TOKEN)) {
      if (m[0] === '$${') continue;
      const expr = (m[1] ?? '').trim();
      const r = REF.exec(expr);
      if (r) refs.push({ stepId: r[1] as string, output: r[2] as string, path });
      else {
        problems.push({
          path,
          message: `cannot understand reference "\${${expr}}" — write \${steps.<step id>.outputs.<output name>} (or $\${ for a literal \${)`,
        });
      }
    }
  });
  return { refs, problems };
}

/**
 * Replaces references using `lookup`. Whole-string references keep the value's type;
 * embedded ones are stringified (`render` turns a non-string value into text).
 */
export function hydrate(
  value: unknown,
  lookup: (ref: StepRef) => unknown,
  render: (v: unknown) => string = (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
): unknown {
  if (typeof value === 'string') return hydrateString(value, lookup, render);
  if (Array.isArray(value)) return value.map((v) => hydrate(v, lookup, render));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = hydrate(v, lookup, render);
    return out;
  }
  return value;
}

function hydrateString(s: string, lookup: (ref: StepRef) => unknown, render: (v: unknown) => string): unknown {
  const whole = /^\$\{([^}]*)\}$/.exec(s);
  if (whole) {
    const r = REF.exec((whole[1] ?? '').trim());
    if (r) return lookup({ stepId: r[1] as string, output: r[2] as string });
  }
  return s.replace(TOKEN, (m: string, expr: string | undefined) => {
    if (m === '$${') return '${';
    const r = REF.exec((expr ?? '').trim());
    return r ? render(lookup({ stepId: r[1] as string, output: r[2] as string })) : m;
  });
}

/** The result of walking an output path: the value, or where the walk stopped. */
export type OutputLookup = { found: true; value: unknown } | { found: false; missing: string; under: string };

/**
 * Looks up `path` in a step's outputs. A path that is a key of the outputs (output names
 * may hold dots) is taken as is; otherwise it is walked segment by segment into objects
 * and arrays, numeric segments indexing arrays. At each level the longest run of segments
 * that is a key wins, so `{ 'a.b': { c: 1 } }` resolves `a.b.c`.
 * @example lookupOutput({ trials: [{ rank: 2 }] }, 'trials.0.rank') → { found: true, value: 2 }
 */
export function lookupOutput(outputs: Record<string, unknown>, path: string): OutputLookup {
  if (Object.hasOwn(outputs, path)) return { found: true, value: outputs[path] };
  const segments = path.split('.');
  let value: unknown = outputs;
  let walked: string[] = [];
  let i = 0;
  while (i < segments.length) {
    const step = stepInto(value, segments, i);
    if (!step) return { found: false, missing: segments[i] as string, under: walked.join('.') };
    value = step.value;
    walked = [...walked, ...segments.slice(i, step.next)];
    i = step.next;
  }
  return { found: true, value };
}

function stepInto(value: unknown, segments: readonly string[], from: number): { value: unknown; next: number } | null {
  if (Array.isArray(value)) {
    const seg = segments[from] as string;
    if (!/^(0|[1-9][0-9]*)$/.test(seg) || Number(seg) >= value.length) return null;
    return { value: value[Number(seg)], next: from + 1 };
  }
  if (value === null || typeof value !== 'object') return null;
  for (let end = segments.length; end > from; end--) {
    const key = segments.slice(from, end).join('.');
    if (Object.hasOwn(value, key)) return { value: (value as Record<string, unknown>)[key], next: end };
  }
  return null;
}
