/**
 * The skill palette of the experiment editor: every registered skill with its params and
 * outputs as JSON Schema, so the editor builds its forms and output ports from the same zod
 * schemas the kernel validates with.
 */
import { z } from 'zod';
import type { SkillInfo } from '../common/contract-editor';
import type { Skill } from '../skills/api';
import type { SkillRegistry } from '../skills/registry';

type Json = Record<string, unknown>;

/**
 * The input side (what a user writes: defaults shown, optional where a default fills in),
 * with anything JSON Schema cannot say (transforms, custom checks) widened to "any" rather
 * than thrown on. A schema that still cannot be converted becomes `{}` (any value): a skill
 * must never take the palette down.
 * @example schemaOf(z.object({ lr: z.number().min(0).default(0.1) })) // { type: 'object', properties: { lr: { type: 'number', minimum: 0, default: 0.1 } } }
 */
export function schemaOf(schema: z.ZodType): Json {
  try {
    const { $schema, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'inline', cycles: 'ref' }) as Json;
    void $schema;
    return rest;
  } catch {
    return {};
  }
}

/** @example skillInfo(shellSkill).params.properties.command // { type: 'string', minLength: 1 } */
export function skillInfo(skill: Skill): SkillInfo {
  return {
    name: skill.name,
    version: skill.version,
    description: skill.description,
    kind: skill.kind,
    capabilities: [...skill.capabilities],
    params: schemaOf(skill.params),
    outputs: schemaOf(skill.outputs),
  };
}

/** @example listSkills(kernel.skills).map((s) => s.name) // ['concat', 'const', …] */
export function listSkills(registry: SkillRegistry): SkillInfo[] {
  return registry.list().map(skillInfo);
}
