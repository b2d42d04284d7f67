/**
 * `train` (job): pre-trains the reference model or fine-tunes a LoRA adapter with
 * sdk/python/sgr_lora, or runs the user's own command template with the same config.
 */
import { z } from 'zod';
import type { JobBuild, JobSkill } from '../../kernel/skills/api';
import { artifactRefSchema, outputFilesSchema } from '../utility/job-outputs';
import { checkInputs, CONFIG_ENV, CONFIG_FILE, collectError, configParam, curveOf, curveSchema, inputPath, outputEvents, shellWithConfigFile, withConfigFile } from './job-common';
import { pythonJobEnv, pythonJobStage, resolvePython } from './python-runtime';
import { placeholders, renderTemplate } from './template';

export const trainParams = z
  .strictObject({
    mode: z.enum(['pretrain', 'lora'], 'mode is "pretrain" (base model) or "lora" (adapter on a base model)'),
    config: configParam,
    /** The user's own trainer, e.g. "python train.py --lora_r {{rank}} --lr {{train.lr}} --out {{out}}". */
    command: z.string().min(1, 'command is a non-empty command template').optional(),
    python: z.string().min(1).optional(),
    /** Extra files a user command writes, by output name (relative to the work directory). */
    outputs: outputFilesSchema,
  })
  .refine((p) => p.command !== undefined || Object.keys(p.outputs).length === 0, { path: ['outputs'], message: 'outputs only apply to a user command' });

export const trainOutputs = z.looseObject({
  exitCode: z.number().int(),
  model: artifactRefSchema.optional(),
  adapter: artifactRefSchema.optional(),
  trainable_params: z.number().nullable().optional(),
  total_params: z.number().nullable().optional(),
  val_loss: z.number().nullable().optional(),
  steps: z.number().nullable().optional(),
  pruned: z.boolean(),
  curve: curveSchema,
});

type TrainParams = z.infer<typeof trainParams>;

/** The declared output: pretraining makes `model`, fine-tuning an `adapter`. */
export function trainOutputFile(mode: TrainParams['mode']): { name: 'model' | 'adapter'; path: string } {
  return mode === 'pretrain' ? { name: 'model', path: 'model.safetensors' } : { name: 'adapter', path: 'adapter.safetensors' };
}

function referenceArgv(p: TrainParams, inputs: Record<string, unknown>): string[] {
  const out = trainOutputFile(p.mode);
  const data = ['--train', inputPath(inputs, 'train', 'train', true), '--val', inputPath(inputs, 'val', 'train', true)];
  checkInputs(inputs, p.mode === 'pretrain' ? ['train', 'val'] : ['train', 'val', 'base', 'init'], `train (mode ${p.mode})`);
  const head = [resolvePython(p.python), '-u', '-m', 'sgr_lora'];
  if (p.mode === 'pretrain') return [...head, 'pretrain', '--config', CONFIG_FILE, ...data, '--out', out.path];
  const init = inputPath(inputs, 'init', 'train', false);
  return [
    ...head, 'finetune', '--config', CONFIG_FILE, '--base', inputPath(inputs, 'base', 'train (mode lora)', true), ...data,
    '--out', out.path, ...(init !== null ? ['--init', init] : []),
  ];
}

/** @example buildTrainJob({ mode: 'pretrain', config: {} }, { train: 'inputs/d/train.jsonl', val: 'inputs/d/val.jsonl' }) */
export function buildTrainJob(raw: Record<string, unknown>, inputs: Record<string, unknown>): JobBuild {
  const p = trainParams.parse(raw);
  const out = trainOutputFile(p.mode);
  const env = pythonJobEnv({ [CONFIG_ENV]: JSON.stringify(p.config) });
  const threads = typeof p.config.threads === 'number' ? { resources: { cpus: p.config.threads } } : {};
  if (p.command === undefined) return { argv: withConfigFile(referenceArgv(p, inputs)), env, outputs: { [out.name]: out.path }, stage: pythonJobStage(), ...threads };

  const vars = {
    train_data: inputPath(inputs, 'train', 'train', false),
    val_data: inputPath(inputs, 'val', 'train', false),
    base: inputPath(inputs, 'base', 'train', false),
    init: inputPath(inputs, 'init', 'train', false),
    out: out.path,
    config: CONFIG_FILE,
    python: () => resolvePython(p.python),
  };
  const command = renderTemplate(p.command, p.config, vars);
  // {{out}} names the model/adapter file; a command that never mentions it declares its own outputs.
  const declared = placeholders(p.command).includes('out') ? { [out.name]: out.path, ...p.outputs } : p.outputs;
  return { argv: shellWithConfigFile(command), env, outputs: declared, stage: pythonJobStage(), ...threads };
}

export const trainSkill: JobSkill = {
  kind: 'job',
  name: 'train',
  version: '1.0.0',
  description: 'Pre-trains the reference model or fine-tunes a LoRA adapter (sgr_lora), or runs your own training command template.',
  capabilities: ['subprocess'],
  params: trainParams,
  outputs: trainOutputs,
  buildJob: (raw, ctx) => buildTrainJob(raw, ctx.inputs),
  collect(job) {
    const reported = outputEvents(job.events);
    if (reported.pruned !== undefined && typeof reported.pruned !== 'boolean') {
      throw collectError(`train: output "pruned" must be true or false, got ${JSON.stringify(reported.pruned)}`);
    }
    return { ...reported, exitCode: job.exitCode ?? -1, ...job.artifacts, pruned: reported.pruned === true, curve: curveOf(job.events) };
  },
};
