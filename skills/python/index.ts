/** `python`: runs a Python script (a file next to the experiment, or inline code) as a job. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { delimiter, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { JobSkill } from '../../kernel/skills/api';
import { jobOutputs, jobOutputsSchema, outputFilesSchema } from '../utility/job-outputs';
import { pythonSdkDir } from './sdk-path';

const params = z
  .strictObject({
    script: z.string().min(1).optional(),
    code: z.string().min(1).optional(),
    args: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
    env: z.record(z.string(), z.string()).default({}),
    outputs: outputFilesSchema,
    python: z.string().default('python3'),
  })
  .refine((p) => (p.script === undefined) !== (p.code === undefined), { message: 'give exactly one of script or code' });

/** Scripts named relative to the experiment file; materialized inputs (inputs/...) stay relative to the work dir. */
function scriptPath(script: string, baseDir: string): string {
  return isAbsolute(script) || script.startsWith('inputs/') ? script : resolve(baseDir, script);
}

export const pythonSkill: JobSkill = {
  kind: 'job',
  name: 'python',
  // 1.1.0: jobs get the worker SDK (sgr_worker) on PYTHONPATH.
  version: '1.1.0',
  description: 'Run a Python script or inline code as a job; declared output files become artifacts.',
  capabilities: ['subprocess'],
  params,
  outputs: jobOutputsSchema,
  buildJob(raw, ctx) {
    const p = params.parse(raw);
    const script = p.script !== undefined ? scriptPath(p.script, ctx.baseDir) : undefined;
    const head = script !== undefined ? [script] : ['-c', p.code as string];
    // The SDK goes first so `import sgr_worker` works. The step's env replaces the inherited
    // variable, so without a step PYTHONPATH we keep the kernel's own rather than drop it.
    const rest = p.env.PYTHONPATH ?? process.env.PYTHONPATH;
    const pythonPath = [pythonSdkDir(), rest].filter((x) => x !== undefined && x !== '').join(delimiter);
    const env = { PYTHONUNBUFFERED: '1', ...p.env, PYTHONPATH: pythonPath };
    // Remote targets upload the SDK and the script (a materialized input is already in the work dir).
    const stage = [pythonSdkDir(), ...(script !== undefined && isAbsolute(script) ? [script] : [])];
    return { argv: [p.python, '-u', ...head, ...p.args], env, outputs: p.outputs, stage };
  },
  collect: jobOutputs,
  // The script's content is part of the cache key: editing it re-runs the step.
  cacheInputs(raw, baseDir): Record<string, string> {
    const script = (raw as { script?: unknown }).script;
    if (typeof script !== 'string' || script.includes('${') || script.startsWith('inputs/')) return {};
    const path = scriptPath(script, baseDir);
    let text: Buffer;
    try {
      text = readFileSync(path);
    } catch {
      throw new Error(`params.script: cannot read ${path}`);
    }
    return { script: `sha256:${createHash('sha256').update(text).digest('hex')}` };
  },
};
