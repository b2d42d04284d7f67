/** Outputs shared by job skills: declared files as artifacts, `output` protocol lines, the exit code. */
import { z } from 'zod';
import type { CollectedJob } from '../../kernel/skills/api';

export const outputFilesSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'an output name holds letters, digits, _ . -'),
    z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'an output path is relative to the work directory and stays inside it'),
  )
  .default({});

export const artifactRefSchema = z.object({ $artifact: z.string().startsWith('sha256:'), size: z.number().int().nonnegative(), name: z.string() });

export const jobOutputsSchema = z.looseObject({ exitCode: z.number().int() });

/** @example jobOutputs({ exitCode: 0, artifacts: { out: ref }, events: [] }) → { exitCode: 0, out: ref } */
export function jobOutputs(job: CollectedJob): Record<string, unknown> {
  const outputs: Record<string, unknown> = { exitCode: job.exitCode ?? -1 };
  for (const e of job.events) if (e.type === 'output') outputs[e.name] = e.value;
  Object.assign(outputs, job.artifacts);
  return outputs;
}
