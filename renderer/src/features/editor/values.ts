/** Reading and writing values in forms: dotted paths, text ↔ typed values (YAML for structures). */
import { parse, stringify } from 'yaml';
import type { SchemaField } from './model/types';

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** How a value shows in a text box: strings as they are, structures as flow YAML. */
export function toText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return stringify(v, { collectionStyle: 'flow' }).trim();
}

/** Multi-line YAML of a structure (the raw editors). */
export function toYaml(v: unknown): string {
  if (v === undefined) return '';
  return stringify(v).trimEnd();
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** Text typed into a field → its value for the field's type; '' → undefined (the key is removed). */
export function fromText(field: Pick<SchemaField, 'type'>, text: string): Parsed {
  if (text.trim() === '') return { ok: true, value: undefined };
  switch (field.type) {
    case 'string':
      return { ok: true, value: text };
    case 'number':
    case 'integer': {
      const n = Number(text.trim());
      if (!Number.isFinite(n)) return { ok: false, error: `"${text}" is not a number` };
      if (field.type === 'integer' && !Number.isInteger(n)) return { ok: false, error: `${n} is not an integer` };
      return { ok: true, value: n };
    }
    case 'boolean':
      return text === 'true' ? { ok: true, value: true } : text === 'false' ? { ok: true, value: false } : { ok: false, error: 'true or false' };
    default:
      return parseYaml(text);
  }
}

export function parseYaml(text: string): Parsed {
  try {
    return { ok: true, value: parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}
