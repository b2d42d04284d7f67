/** `shell`: runs a command with /bin/sh as a job on the step's target. */
import { z } from 'zod';
import type { JobSkill } from '../../kernel/skills/api';
import { jobOutputs, outputFilesSchema, jobOutputsSchema } from '../utility/job-outputs';

const params = z.strictObject({
  command: z.string().min(1, 'the command is empty'),
  env: z.record(z.string(), z.string()).default({}),
  outputs: outputFilesSchema,
  shell: z.string().default('/bin/sh'),
});

export const shellSkill: JobSkill = {
  kind: 'job',
  name: 'shell',
  version: '1.0.0',
  description: 'Run a shell command as a job; declared output files become artifacts.',
  capabilities: ['subprocess'],
  params,
  outputs: jobOutputsSchema,
  buildJob(raw) {
    const p = params.parse(raw);
    return { argv: [p.shell, '-c', p.command], env: p.env, outputs: p.outputs };
  },
  collect: jobOutputs,
};
