/**
 * `config` (in-process, deterministic): freezes the full trainer config of one trial —
 * trainer defaults, the experiment's `defaults`, then the trial's `overrides` (sweep
 * params, flat like `{ rank: 8, lr: 0.003 }` or dotted like `"lora.rank"`) — into an
 * object, a canonical `config.json` artifact and its hash.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../kernel/common/canonical';
import { StepFailure } from '../../kernel/lifecycle/failure';
import type { InProcessSkill } from '../../kernel/skills/api';
import { artifactRefSchema } from '../utility/job-outputs';
import { buildConfig, checkConfigKeys, ConfigKeyError, ConfigValueError } from './trainer-config';

const section = z.record(z.string(), z.unknown(), 'must be a map of config keys');

export const configParams = z
  .strictObject({ defaults: section.default({}), overrides: section.default({}) })
  .superRefine((p, ctx) => {
    for (const where of ['defaults', 'overrides'] as const) {
      const problem = checkConfigKeys(p[where], where);
      if (problem !== null) ctx.addIssue({ code: 'custom', path: [where], message: problem });
    }
  });

export const configOutputs = z.strictObject({
  config: z.record(z.string(), z.unknown()),
  file: artifactRefSchema,
  hash: z.string().startsWith('sha256:'),
});

export const configSkill: InProcessSkill = {
  kind: 'inproc',
  deterministic: true,
  name: 'config',
  // 1.1.0: targets as letters ("qv"), `layers`, and a bare `dropout` is the adapter's.
  version: '1.1.0',
  description: 'Merges trainer defaults, experiment defaults and sweep overrides into one frozen trainer config (object, config.json, hash).',
  capabilities: [],
  params: configParams,
  outputs: configOutputs,
  async run(raw, ctx) {
    const p = configParams.parse(raw);
    let config;
    try {
      config = buildConfig(p.defaults, p.overrides);
    } catch (err) {
      if (err instanceof ConfigKeyError || err instanceof ConfigValueError) throw new StepFailure('user_error', err.message);
      throw err;
    }
    const text = canonicalJson(config);
    const hash = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    ctx.log(`config ${hash.slice(0, 19)}: rank ${config.lora.rank}, lr ${config.train.lr}, steps ${config.train.steps}, seed ${config.seed}`);
    return { config, file: await ctx.putArtifact('config.json', text), hash };
  },
};
