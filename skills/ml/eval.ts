/**
 * `eval` (job): scores a base model (and optionally an adapter, or an ensemble of adapters)
 * on a JSONL split with sgr_lora (`loss`, `exact_match`, `n`), or runs the user's own metric
 * command.
 */
import { z } from 'zod';
import type { JobBuild, JobSkill } from '../../kernel/skills/api';
import { artifactRefSchema } from '../utility/job-outputs';
import { checkInputs, CONFIG_ENV, CONFIG_FILE, collectError, configParam, inputPath, numberOrNull, outputEvents, shellWithConfigFile, withConfigFile } from './job-common';
import { pythonJobEnv, pythonJobStage, resolvePython } from './python-runtime';
import { renderTemplate, shQuote } from './template';

export const evalParams = z.strictObject({
  config: configParam,
  /**
   * The user's metric command, e.g. "python score.py --pred {{adapter}} --data {{data}}". It
   * reports metrics with sgr_worker.log_output or by printing a JSON object line like
   * {"exact_match": 0.61}.
   */
  command: z.string().min(1, 'command is a non-empty command template').optional(),
  python: z.string().min(1).optional(),
});

export const evalOutputs = z.looseObject({
  exitCode: z.number().int(),
  loss: z.number().nullable(),
  exact_match: z.number().nullable(),
  n: z.number().int().nullable(),
  metrics: artifactRefSchema.optional(),
});

const METRICS_FILE = 'metrics.json';

/**
 * Runs a shell command, echoing its stdout, and turns every JSON object line it prints
 * (without a protocol "type") into output events once the command has succeeded.
 */
export const STDOUT_METRICS_WRAPPER = `
import json, os, subprocess, sys
p = subprocess.Popen(["/bin/sh", "-c", sys.argv[1]], stdout=subprocess.PIPE)
found = {}
for raw in p.stdout:
    sys.stdout.buffer.write(raw)
    sys.stdout.flush()
    line = raw.decode("utf-8", "replace").strip()
    if line.startswith("{"):
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict) and "type" not in obj:
            found.update(obj)
code = p.wait()
path = os.environ.get("SGR_EVENTS_FILE")
if path and code == 0 and found:
    with open(path, "a") as f:
        for k, v in found.items():
            try:
                f.write(json.dumps({"type": "output", "name": str(k), "value": v}, allow_nan=False) + "\\n")
            except ValueError:
                pass
sys.exit(code if code >= 0 else 128 - code)
`;

/** Input `adapters`: a list of adapter files (an ensemble; their distributions are averaged). */
function adapterList(inputs: Record<string, unknown>): string[] {
  const v = inputs.adapters;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length === 0) throw new Error('eval: input "adapters" must be a non-empty list of adapter artifacts, e.g. "${members.steps.train.outputs.adapter}"');
  return v.map((a, i) => {
    if (typeof a !== 'string' || a === '') throw new Error(`eval: adapters.${i} must be an adapter artifact, got ${JSON.stringify(a)} (did that member fail?)`);
    return a;
  });
}

/** @example buildEvalJob({ config: {} }, { base: 'inputs/pre/model/model.safetensors', data: 'inputs/d/test.jsonl' }) */
export function buildEvalJob(raw: Record<string, unknown>, inputs: Record<string, unknown>): JobBuild {
  const p = evalParams.parse(raw);
  const env = pythonJobEnv({ [CONFIG_ENV]: JSON.stringify(p.config) });
  const adapter = inputPath(inputs, 'adapter', 'eval', false);
  const adapters = adapterList(inputs);
  if (p.command === undefined) {
    checkInputs(inputs, ['base', 'adapter', 'adapters', 'data'], 'eval');
    if (adapter !== null && adapters.length > 0) throw new Error('eval: give either input "adapter" or "adapters" (an ensemble), not both');
    const scored = adapter !== null ? [adapter] : adapters;
    const argv = [
      resolvePython(p.python), '-u', '-m', 'sgr_lora', 'eval', '--config', CONFIG_FILE, '--base', inputPath(inputs, 'base', 'eval', true),
      ...scored.flatMap((a) => ['--adapter', a]), '--data', inputPath(inputs, 'data', 'eval', true), '--out', METRICS_FILE,
    ];
    return { argv: withConfigFile(argv), env, outputs: { metrics: METRICS_FILE }, stage: pythonJobStage() };
  }
  const vars = {
    base: inputPath(inputs, 'base', 'eval', false),
    adapter,
    data: inputPath(inputs, 'data', 'eval', false),
    out: METRICS_FILE,
    config: CONFIG_FILE,
    python: () => resolvePython(p.python),
  };
  const command = renderTemplate(p.command, p.config, vars);
  // The wrapper only needs a plain Python 3, not torch.
  const wrapperPython = p.python ?? process.env.SGR_PYTHON ?? 'python3';
  return { argv: shellWithConfigFile(`exec ${shQuote(wrapperPython)} -c ${shQuote(STDOUT_METRICS_WRAPPER)} ${shQuote(command)}`), env, stage: pythonJobStage() };
}

export const evalSkill: JobSkill = {
  kind: 'job',
  name: 'eval',
  // 1.1.0: an ensemble of adapters (input `adapters`).
  version: '1.1.0',
  description: 'Evaluates a base model with an optional LoRA adapter (or an ensemble of adapters) on a JSONL split (loss, exact match), or runs your own metric command.',
  capabilities: ['subprocess'],
  params: evalParams,
  outputs: evalOutputs,
  buildJob: (raw, ctx) => buildEvalJob(raw, ctx.inputs),
  collect(job) {
    const reported = outputEvents(job.events);
    if (Object.keys(reported).length === 0) {
      throw collectError('eval: the job reported no metric — call sgr_worker.log_output("exact_match", v) or print one JSON object line such as {"exact_match": 0.61}');
    }
    const n = numberOrNull(reported.n);
    return {
      ...reported,
      exitCode: job.exitCode ?? -1,
      loss: numberOrNull(reported.loss),
      exact_match: numberOrNull(reported.exact_match),
      n: n !== null && Number.isInteger(n) ? n : null,
      ...job.artifacts,
    };
  },
};
