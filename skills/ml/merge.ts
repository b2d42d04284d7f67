/** `merge` (job): folds a LoRA adapter into its base model with sgr_lora and checks the result. */
import { z } from 'zod';
import type { JobBuild, JobSkill } from '../../kernel/skills/api';
import { artifactRefSchema } from '../utility/job-outputs';
import { checkInputs, collectError, inputPath, numberOrNull, outputEvents } from './job-common';
import { pythonJobEnv, pythonJobStage, resolvePython } from './python-runtime';

export const mergeParams = z.strictObject({
  /** Largest allowed difference between merged and adapter-applied outputs. */
  tol: z.number().positive('tol must be > 0').optional(),
  python: z.string().min(1).optional(),
});

export const mergeOutputs = z.strictObject({
  exitCode: z.number().int(),
  merged: artifactRefSchema,
  max_abs_diff: z.number().nullable(),
  verified: z.boolean(),
});

/** @example buildMergeJob({ tol: 1e-5 }, { base: 'inputs/p/model/model.safetensors', adapter: 'inputs/l/adapter/adapter.safetensors' }) */
export function buildMergeJob(raw: Record<string, unknown>, inputs: Record<string, unknown>): JobBuild {
  const p = mergeParams.parse(raw);
  checkInputs(inputs, ['base', 'adapter'], 'merge');
  const argv = [
    resolvePython(p.python), '-u', '-m', 'sgr_lora', 'merge', '--base', inputPath(inputs, 'base', 'merge', true),
    '--adapter', inputPath(inputs, 'adapter', 'merge', true), '--out', 'merged.safetensors',
    ...(p.tol !== undefined ? ['--tol', String(p.tol)] : []),
  ];
  return { argv, env: pythonJobEnv(), outputs: { merged: 'merged.safetensors' }, stage: pythonJobStage() };
}

export const mergeSkill: JobSkill = {
  kind: 'job',
  name: 'merge',
  version: '1.0.0',
  description: 'Merges a LoRA adapter into its base model (sgr_lora merge) and verifies the merged weights.',
  capabilities: ['subprocess'],
  params: mergeParams,
  outputs: mergeOutputs,
  buildJob: (raw, ctx) => buildMergeJob(raw, ctx.inputs),
  collect(job) {
    const reported = outputEvents(job.events);
    const merged = job.artifacts.merged;
    if (merged === undefined) throw collectError('merge: the job produced no merged.safetensors');
    if (typeof reported.verified !== 'boolean') throw collectError('merge: the job did not report "verified" (true or false)');
    return { exitCode: job.exitCode ?? -1, merged, max_abs_diff: numberOrNull(reported.max_abs_diff), verified: reported.verified };
  },
};
