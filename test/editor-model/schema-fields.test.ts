import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinSkills } from '../../skills';
import { skillInfo } from '../../kernel/editor/skills';
import { checkSchema, fieldsFromSchema, validateValue } from '../../renderer/src/features/editor/model/schema-fields';

const skill = (name: string) => skillInfo(builtinSkills.find((s) => s.name === name)!);
const field = (schema: Record<string, unknown>, path: string) => fieldsFromSchema(schema).find((f) => f.path === path)!;
const toJson = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

describe('fieldsFromSchema over the built-in skills', () => {
  it.each(builtinSkills.map((s) => [s.name]))('%s: fields without throwing, each with a path, label and type', (name) => {
    const fields = fieldsFromSchema(skill(name).params);
    for (const f of fields) {
      expect(f.path).toMatch(/^[A-Za-z_$][\w$.-]*$/);
      expect(f.label.length).toBeGreaterThan(0);
      // The default a skill declares is always a valid value of its own field.
      if (f.default !== undefined) expect(validateValue(f, f.default), `${name}.${f.path}`).toBeNull();
    }
    expect(new Set(fields.map((f) => f.path)).size).toBe(fields.length);
  });

  it('shell: command required text, env a map of strings, shell with its default', () => {
    const p = skill('shell').params;
    expect(field(p, 'command')).toMatchObject({ type: 'string', required: true, label: 'Command' });
    expect(validateValue(field(p, 'command'), '')).toBe('must not be empty');
    expect(validateValue(field(p, 'command'), undefined)).toBe('Command is required');
    expect(field(p, 'shell')).toMatchObject({ type: 'string', required: false, default: '/bin/sh' });
    expect(field(p, 'env').type).toBe('object');
    expect(validateValue(field(p, 'env'), { A: 1 })).toBe('A: expected text, got 1');
    expect(validateValue(field(p, 'outputs'), { 'bad key': 'x' })).toBe('key "bad key" does not match the pattern ^[A-Za-z_][A-Za-z0-9_.-]*$');
  });

  it('dataset: nested objects are flattened to dotted paths with integer bounds and enums of list items', () => {
    const p = skill('dataset').params;
    const paths = fieldsFromSchema(p).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['source.synthetic.seed', 'source.synthetic.size', 'source.synthetic.tables', 'source.path', 'split.train', 'splitSeed']));
    const size = field(p, 'source.synthetic.size');
    expect(size).toMatchObject({ type: 'integer', minimum: 1, maximum: 100000, required: false });
    expect(validateValue(size, 0)).toBe('expected a whole number ≥ 1, got 0');
    expect(validateValue(size, 2.5)).toBe('expected a whole number, got 2.5');
    expect(validateValue(size, 200)).toBeNull();
    // ±2^53 from z.int() is not a bound worth showing.
    expect(field(p, 'source.synthetic.seed')).toMatchObject({ minimum: null, maximum: null });
    expect(validateValue(field(p, 'source.synthetic.tables'), ['orders', 'cats'])).toBe('item 2: expected one of "employees", "departments", "orders", got "cats"');
    expect(validateValue(field(p, 'split.train'), 1.5)).toBe('expected a number ≤ 1, got 1.5');
  });

  it('hpo-suggest: enums with defaults, exclusive bounds, and a oneOf union as a json field', () => {
    const p = skill('hpo-suggest').params;
    expect(field(p, 'direction')).toMatchObject({ type: 'enum', enum: ['minimize', 'maximize'], default: 'minimize' });
    expect(validateValue(field(p, 'direction'), 'up')).toBe('expected one of "minimize", "maximize", got "up"');
    expect(field(p, 'tpe.priorWeight')).toMatchObject({ type: 'number', minimum: 0 });
    expect(validateValue(field(p, 'tpe.priorWeight'), 0)).toBe('expected a number > 0, got 0');
    const pruner = field(p, 'pruner');
    expect(pruner.type).toBe('json');
    expect(validateValue(pruner, { type: 'asha', minResource: 5 })).toBeNull();
    expect(validateValue(pruner, { type: 'asha' })).toMatch(/matches none of the allowed forms/);
  });

  it('train: a required enum and a free-form config map', () => {
    const p = skill('train').params;
    expect(field(p, 'mode')).toMatchObject({ type: 'enum', required: true, enum: ['pretrain', 'lora'] });
    expect(field(p, 'config')).toMatchObject({ type: 'object', required: true });
    expect(validateValue(field(p, 'config'), [1])).toBe('expected a map, got a list');
  });

  it('noop takes anything: no fields', () => {
    expect(fieldsFromSchema(skill('noop').params)).toEqual([]);
  });
});

describe('zod 4 JSON Schema shapes', () => {
  it('nullable and optional wrappers become the inner type, null accepted when nullable', () => {
    const s = toJson(z.object({ a: z.number().min(1).nullable(), b: z.string().optional(), c: z.boolean().default(true), d: z.array(z.number()).max(2) }));
    const a = field(s, 'a');
    expect(a).toMatchObject({ type: 'number', minimum: 1, required: false });
    expect(validateValue(a, null)).toBeNull();
    expect(validateValue(a, 0)).toBe('expected a number ≥ 1, got 0');
    expect(field(s, 'b')).toMatchObject({ type: 'string', required: false });
    expect(field(s, 'c')).toMatchObject({ type: 'boolean', default: true });
    expect(validateValue(field(s, 'c'), 'yes')).toBe('expected true or false, got "yes"');
    expect(validateValue(field(s, 'd'), [1, 2, 3])).toBe('expected at most 2 items, got 3');
  });

  it('literals and unions of literals become enums; strict objects refuse unknown keys', () => {
    const s = toJson(z.object({ k: z.literal('x'), u: z.union([z.literal(1), z.literal(2)]), o: z.record(z.string(), z.strictObject({ p: z.string() })) }));
    expect(field(s, 'k')).toMatchObject({ type: 'enum', enum: ['x'] });
    expect(field(s, 'u')).toMatchObject({ type: 'enum', enum: [1, 2] });
    expect(validateValue(field(s, 'u'), 3)).toMatch(/^3 matches none of the allowed forms \(expected 1, got 3; or expected 2, got 3\)$/);
    expect(checkSchema(field(s, 'o').raw, { a: { p: 'x', q: 1 } })).toBe('a: unknown key "q" (allowed: p)');
  });
});
