/**
 * Form fields from a skill's params JSON Schema (zod 4's `z.toJSONSchema`, input side, as
 * `skills.list` returns it), and value checks with messages written for the person filling
 * the form. Nested objects with known properties are flattened into dotted paths
 * (`source.synthetic.seed`); free-form maps, lists of structures and unions that are not just
 * "X or null" become `object`/`array`/`json` fields that the form edits as YAML.
 */
import type { SchemaField } from './types';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** zod writes ±2^53−1 for "any safe integer": not a bound worth showing. */
const SAFE = Number.MAX_SAFE_INTEGER;
const bound = (v: unknown): number | null => (typeof v === 'number' && Math.abs(v) < SAFE ? v : null);

/** `anyOf: [X, { type: 'null' }]` → X (nullable noted); a default or description on the wrapper is kept. */
export function unwrapNullable(schema: Json): { schema: Json; nullable: boolean } {
  for (const key of ['anyOf', 'oneOf'] as const) {
    const alts = schema[key];
    if (!Array.isArray(alts)) continue;
    const nonNull = alts.filter((a) => !(isObj(a) && a.type === 'null'));
    if (nonNull.length === 1 && nonNull.length < alts.length && isObj(nonNull[0])) {
      const { [key]: _alts, ...rest } = schema;
      void _alts;
      return { schema: { ...nonNull[0], ...rest }, nullable: true };
    }
  }
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const types = schema.type.filter((t) => t !== 'null');
    return { schema: { ...schema, type: types.length === 1 ? types[0] : types }, nullable: true };
  }
  return { schema, nullable: false };
}

const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean']);

/** The values of `anyOf: [{ const: 1 }, { const: 2 }]` (a union of literals), else null. */
function literalUnion(s: Json): unknown[] | null {
  const alts = s.anyOf ?? s.oneOf;
  if (!Array.isArray(alts) || alts.length === 0 || !alts.every((a) => isObj(a) && 'const' in a)) return null;
  return alts.map((a) => (a as Json).const);
}

function enumOf(s: Json): unknown[] | null {
  if (Array.isArray(s.enum)) return s.enum;
  if ('const' in s) return [s.const];
  return literalUnion(s);
}

function fieldType(s: Json): SchemaField['type'] {
  if (enumOf(s)) return 'enum';
  const t = s.type;
  if (typeof t === 'string' && SCALAR_TYPES.has(t)) return t as SchemaField['type'];
  if (t === 'array') return 'array';
  if (t === 'object') return 'object';
  return 'json';
}

const humanize = (name: string): string => name.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/**
 * One field per leaf property of the params schema, in schema order.
 * @example fieldsFromSchema({ type: 'object', properties: { lr: { type: 'number', minimum: 0 } } })[0] // { path: 'lr', type: 'number', minimum: 0, … }
 */
export function fieldsFromSchema(schema: Json): SchemaField[] {
  const out: SchemaField[] = [];
  const walk = (obj: Json, prefix: string, required: boolean): void => {
    const props = isObj(obj.properties) ? obj.properties : {};
    const req = new Set(Array.isArray(obj.required) ? obj.required.filter((r): r is string => typeof r === 'string') : []);
    for (const [name, raw] of Object.entries(props)) {
      if (!isObj(raw)) continue;
      const { schema: s, nullable } = unwrapNullable(raw);
      const path = prefix ? `${prefix}.${name}` : name;
      const isRequired = required && req.has(name) && !nullable;
      // A structure with named properties reads better as its own fields than as YAML.
      if (s.type === 'object' && isObj(s.properties) && Object.keys(s.properties).length > 0) {
        walk(s, path, isRequired);
        continue;
      }
      const type = fieldType(s);
      out.push({
        path,
        label: humanize(name),
        type,
        required: isRequired,
        description: typeof s.description === 'string' ? s.description : null,
        default: s.default,
        enum: enumOf(s),
        minimum: bound(s.minimum ?? s.exclusiveMinimum),
        maximum: bound(s.maximum ?? s.exclusiveMaximum),
        raw: nullable ? { ...s, nullable: true } : s,
      });
    }
  };
  walk(schema, '', true);
  return out;
}

const show = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  return String(v);
};

const typeWords: Record<string, string> = { string: 'text', number: 'a number', integer: 'a whole number', boolean: 'true or false', array: 'a list', object: 'a map', null: 'null' };

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return Number.isInteger(v);
    case 'boolean': return typeof v === 'boolean';
    case 'array': return Array.isArray(v);
    case 'object': return isObj(v);
    case 'null': return v === null;
    default: return true;
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Checks `v` against a JSON Schema; the message names the place inside the value (`item 2`, `key "x"`). */
export function checkSchema(s: Json, v: unknown, at = ''): string | null {
  const where = at ? `${at}: ` : '';
  if (s.nullable === true && v === null) return null;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const alts = s[key];
    if (Array.isArray(alts) && alts.length > 0) {
      const errs = alts.map((a) => (isObj(a) ? checkSchema(a, v, at) : null));
      if (errs.some((e) => e === null)) break;
      return errs.length === 1 ? errs[0]! : `${where}${show(v)} matches none of the allowed forms (${errs.map((e) => e!.replace(where, '')).join('; or ')})`;
    }
  }
  if ('const' in s && !same(s.const, v)) return `${where}expected ${show(s.const)}, got ${show(v)}`;
  if (Array.isArray(s.enum) && !s.enum.some((e) => same(e, v))) return `${where}expected one of ${s.enum.map(show).join(', ')}, got ${show(v)}`;
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
  if (types.length > 0 && !types.some((t) => typeOk(t, v))) {
    const got = typeof v === 'number' && types.includes('integer') ? String(v) : show(v);
    return `${where}expected ${types.map((t) => typeWords[t] ?? t).join(' or ')}, got ${got}`;
  }
  if (typeof v === 'number') {
    const what = types.includes('integer') ? 'a whole number' : 'a number';
    if (typeof s.minimum === 'number' && v < s.minimum) return `${where}expected ${what} ≥ ${s.minimum}, got ${v}`;
    if (typeof s.maximum === 'number' && v > s.maximum) return `${where}expected ${what} ≤ ${s.maximum}, got ${v}`;
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) return `${where}expected ${what} > ${s.exclusiveMinimum}, got ${v}`;
    if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) return `${where}expected ${what} < ${s.exclusiveMaximum}, got ${v}`;
  }
  if (typeof v === 'string') {
    if (typeof s.minLength === 'number' && v.length < s.minLength) return `${where}${s.minLength === 1 ? 'must not be empty' : `expected at least ${s.minLength} characters, got ${v.length}`}`;
    if (typeof s.maxLength === 'number' && v.length > s.maxLength) return `${where}expected at most ${s.maxLength} characters, got ${v.length}`;
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v)) return `${where}${show(v)} does not match the pattern ${s.pattern}`;
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) return `${where}expected at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}, got ${v.length}`;
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) return `${where}expected at most ${s.maxItems} items, got ${v.length}`;
    if (isObj(s.items)) {
      for (let i = 0; i < v.length; i++) {
        const e = checkSchema(s.items, v[i], `${at ? `${at}, ` : ''}item ${i + 1}`);
        if (e) return e;
      }
    }
  }
  if (isObj(v)) return checkMap(s, v, at);
  return null;
}

function checkMap(s: Json, v: Json, at: string): string | null {
  const where = at ? `${at}: ` : '';
  const props = isObj(s.properties) ? s.properties : {};
  for (const r of Array.isArray(s.required) ? s.required : []) {
    if (typeof r === 'string' && !(r in v)) return `${where}missing required key "${r}"`;
  }
  for (const [k, val] of Object.entries(v)) {
    const inner = `${at ? `${at}.` : ''}${k}`;
    const p = props[k];
    if (isObj(p)) {
      const e = checkSchema(p, val, inner);
      if (e) return e;
      continue;
    }
    const names = isObj(s.propertyNames) ? s.propertyNames : null;
    if (names && typeof names.pattern === 'string' && !new RegExp(names.pattern).test(k)) return `${where}key "${k}" does not match the pattern ${names.pattern}`;
    if (s.additionalProperties === false) return `${where}unknown key "${k}"${Object.keys(props).length ? ` (allowed: ${Object.keys(props).join(', ')})` : ''}`;
    if (isObj(s.additionalProperties)) {
      const e = checkSchema(s.additionalProperties, val, inner);
      if (e) return e;
    }
  }
  return null;
}

/**
 * Why `value` is not acceptable for the field, or null when it is. `undefined` means "not
 * set": fine unless the field is required and has no default.
 * @example validateValue(field, 0) // 'expected a whole number ≥ 1, got 0'
 */
export function validateValue(field: SchemaField, value: unknown): string | null {
  if (value === undefined) return field.required && field.default === undefined ? `${field.label} is required` : null;
  return checkSchema(field.raw, value);
}
