import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinSkills } from '../../skills';
import { skillInfoSchema } from '../common/contract-editor';
import { SkillRegistry } from '../skills/registry';
import { listSkills, schemaOf } from './skills';

describe('skills.list', () => {
  it('describes every built-in skill with JSON Schemas that match the contract', () => {
    const infos = listSkills(new SkillRegistry(builtinSkills));
    expect(infos.map((s) => s.name)).toEqual(builtinSkills.map((s) => s.name).sort());
    for (const info of infos) {
      expect(skillInfoSchema.parse(info)).toEqual(info);
      // A real schema, not the empty fallback: every built-in skill's params are an object.
      expect(info.params.type, info.name).toBe('object');
      expect(info.outputs.type, info.name).toBe('object');
    }
    const shell = infos.find((s) => s.name === 'shell')!;
    expect(shell).toMatchObject({ kind: 'job', capabilities: ['subprocess'], version: '1.0.0' });
    expect(shell.params).toMatchObject({ properties: { command: { type: 'string', minLength: 1 }, shell: { type: 'string', default: '/bin/sh' } }, required: ['command'] });
  });

  it('shows defaults, enums and ranges on the input side, and never throws', () => {
    const s = schemaOf(z.object({ lr: z.number().min(0).max(1).default(0.1), opt: z.enum(['adam', 'sgd']), n: z.string().transform((x) => x.length) }));
    expect(s).toMatchObject({ properties: { lr: { type: 'number', minimum: 0, maximum: 1, default: 0.1 }, opt: { enum: ['adam', 'sgd'] }, n: { type: 'string' } }, required: ['opt', 'n'] });
    expect(s.$schema).toBeUndefined();
    // Unrepresentable types (a bigint, a date) become "any" instead of an exception.
    expect(() => schemaOf(z.object({ when: z.date(), big: z.bigint(), f: z.custom<() => void>() }))).not.toThrow();
  });
});
