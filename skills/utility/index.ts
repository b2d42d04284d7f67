/** Small in-process skills used to wire DAGs together (no job, no subprocess). */
import { z } from 'zod';
import type { InProcessSkill } from '../../kernel/skills/api';
import { artifactRefSchema } from './job-outputs';

export const noopSkill: InProcessSkill = {
  kind: 'inproc',
  deterministic: true,
  name: 'noop',
  version: '1.0.0',
  description: 'Does nothing and outputs nothing; a barrier or a placeholder.',
  capabilities: [],
  params: z.record(z.string(), z.unknown()),
  outputs: z.strictObject({}),
  run: async () => ({}),
};

export const constSkill: InProcessSkill = {
  kind: 'inproc',
  deterministic: true,
  name: 'const',
  version: '1.0.0',
  description: 'Outputs the given values unchanged (constants shared by several steps).',
  capabilities: [],
  params: z.strictObject({ values: z.record(z.string(), z.unknown()) }),
  outputs: z.record(z.string(), z.unknown()),
  run: async (p) => ({ ...(p.values as Record<string, unknown>) }),
};

const concatParams = z.strictObject({
  parts: z.array(z.union([artifactRefSchema, z.string()])).min(1, 'give at least one part'),
  name: z.string().min(1).default('concat.txt'),
  separator: z.string().default(''),
});

export const concatSkill: InProcessSkill = {
  kind: 'inproc',
  deterministic: true,
  name: 'concat',
  version: '1.0.0',
  description: 'Concatenates artifacts and text into one new artifact (fan-in).',
  capabilities: [],
  params: concatParams,
  outputs: z.strictObject({ file: artifactRefSchema, bytes: z.number().int() }),
  async run(raw, ctx) {
    const p = concatParams.parse(raw);
    const chunks: Buffer[] = [];
    for (const [i, part] of p.parts.entries()) {
      if (i > 0 && p.separator) chunks.push(Buffer.from(p.separator));
      chunks.push(typeof part === 'string' ? Buffer.from(part) : await ctx.readArtifact(part));
    }
    const data = Buffer.concat(chunks);
    return { file: await ctx.putArtifact(p.name, data), bytes: data.length };
  },
};
