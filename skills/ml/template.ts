/**
 * Command templates for a user's own trainer or metric script:
 * `python train.py --lora_r {{rank}} --lr {{train.lr}} --out {{out}}`. Each placeholder
 * becomes one shell word (single-quoted), so no value can inject shell syntax.
 */
import { CONFIG_ALIASES } from './trainer-config';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/** A named value besides the config: a string, a lazily computed one, or null (not available here). */
export type TemplateVar = string | (() => string) | null;

export class TemplateError extends Error {}

/** @example shQuote("it's") === `'it'\\''s'` */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every leaf of a nested object as [dotted path, value]; arrays are leaves. */
export function leaves(obj: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(obj).flatMap(([k, v]): Array<[string, unknown]> =>
    isPlainObject(v) && Object.keys(v).length > 0 ? leaves(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v]],
  );
}

/** Placeholder names in order of appearance, without repeats. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/**
 * Resolves one placeholder: a named variable, a dotted config path, a flat alias
 * (`rank` → `lora.rank`), then a leaf name that occurs once in the config.
 */
function lookup(name: string, config: Record<string, unknown>, vars: Record<string, TemplateVar>): string {
  if (Object.hasOwn(vars, name)) {
    const v = vars[name];
    if (v === null || v === undefined) throw new TemplateError(`placeholder {{${name}}} has no value in this step (give the matching input)`);
    return typeof v === 'function' ? v() : v;
  }
  const all = leaves(config);
  const byPath = new Map(all);
  if (byPath.has(name)) return asText(byPath.get(name));
  const alias = CONFIG_ALIASES[name];
  if (alias !== undefined && byPath.has(alias)) return asText(byPath.get(alias));
  const matches = all.filter(([path]) => path.split('.').pop() === name);
  if (matches.length === 1) return asText((matches[0] as [string, unknown])[1]);
  if (matches.length > 1) {
    throw new TemplateError(`placeholder {{${name}}} is ambiguous: write one of ${matches.map(([p]) => `{{${p}}}`).join(', ')}`);
  }
  const known = [...Object.keys(vars), ...all.map(([p]) => p)];
  throw new TemplateError(`unknown placeholder {{${name}}} — known: ${known.join(', ')}`);
}

/**
 * @example renderTemplate('train --r {{rank}} --out {{out}}', { lora: { rank: 8 } }, { out: 'a b' }) === "train --r '8' --out 'a b'"
 */
export function renderTemplate(template: string, config: Record<string, unknown>, vars: Record<string, TemplateVar> = {}): string {
  const values = new Map(placeholders(template).map((name) => [name, shQuote(lookup(name, config, vars))]));
  return template.replace(PLACEHOLDER, (_m, name: string) => values.get(name) as string);
}
