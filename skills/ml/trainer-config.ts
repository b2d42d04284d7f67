/**
 * The reference trainer's configuration (sdk/python/sgr_lora/config.py), mirrored so a
 * config step can freeze the full object before any job runs: defaults, the override
 * names a sweep may use, and the same bounds the trainer checks. A test compares the
 * defaults with the Python ones, so the two cannot drift apart.
 */
import { z } from 'zod';

export const TRAINER_DEFAULTS = {
  seed: 0,
  threads: 1,
  model: { d_model: 64, n_layers: 2, n_heads: 2, max_len: 400, dropout: 0.0 },
  pretrain: { steps: 300, lr: 6e-3, batch_size: 32 },
  lora: { rank: 8, alpha: 16, dropout: 0.0, targets: ['q', 'v'] },
  train: { steps: 150, lr: 5e-3, batch_size: 16, difficulty: null, log_every: 10, eval_every: 50, checkpoint_every: 25 },
  eval: { limit: 200, max_new_tokens: 192 },
  prune: null,
} as const;

export type TrainerConfig = z.infer<typeof trainerConfigSchema>;

const SECTIONS = ['model', 'pretrain', 'lora', 'train', 'eval'] as const;
const TARGETS = ['q', 'k', 'v', 'o'] as const;

const int = (min: number) => z.number().int('must be a whole number').min(min, `must be >= ${min}`);
const num = (min: number, max?: number) => {
  const n = z.number().min(min, `must be >= ${min}`);
  return max === undefined ? n : n.max(max, `must be <= ${max}`);
};

export const pruneSchema = z
  .strictObject({
    metric: z.enum(['val_loss', 'train_loss']).default('val_loss'),
    direction: z.enum(['minimize', 'maximize']).default('minimize'),
    rungs: z.array(z.strictObject({ step: int(1), threshold: z.number() })).default([]),
  })
  .transform((p) => ({ ...p, rungs: [...p.rungs].sort((a, b) => a.step - b.step) }))
  .nullable();

export const trainerConfigSchema = z
  .strictObject({
    seed: int(0),
    threads: int(1),
    model: z.strictObject({ d_model: int(8), n_layers: int(1), n_heads: int(1), max_len: int(16), dropout: num(0, 0.9) }),
    pretrain: z.strictObject({ steps: int(0), lr: num(0), batch_size: int(1) }),
    lora: z.strictObject({
      rank: int(1),
      alpha: num(0),
      dropout: num(0, 0.9),
      targets: z
        // A sweep may write targets as letters: "qv", "qkvo" or "q,v".
        .union([z.string().transform((t) => t.replace(/[\s,]/g, '').split('')), z.array(z.string())], 'targets is a list like [q, v] or letters like "qv"')
        .pipe(
          z
            .array(z.enum(TARGETS, `a LoRA target is one of ${TARGETS.join(', ')}`))
            .min(1, 'give at least one target')
            .refine((t) => new Set(t).size === t.length, 'targets must be distinct'),
        )
        // The trainer normalises the order; so do we, so equal configs hash alike.
        .transform((t) => TARGETS.filter((x) => t.includes(x))),
    }),
    train: z.strictObject({
      steps: int(0),
      lr: num(0),
      batch_size: int(1),
      difficulty: z
        .union([z.number().int().transform((d) => [d]), z.array(z.number().int()), z.null()], 'must be a whole number, a list of them, or null'),
      log_every: int(1),
      eval_every: int(1),
      checkpoint_every: int(1),
    }),
    eval: z.strictObject({ limit: int(1), max_new_tokens: int(1) }),
    prune: pruneSchema,
  })
  .refine((c) => c.model.d_model % c.model.n_heads === 0, { path: ['model', 'd_model'], message: 'must be divisible by model.n_heads' });

/** Every settable key as a dotted path: `seed`, `lora.rank`, …, `prune`, `prune.metric`. */
export const CONFIG_PATHS: readonly string[] = [
  'seed',
  'threads',
  ...SECTIONS.flatMap((s) => Object.keys(TRAINER_DEFAULTS[s]).map((k) => `${s}.${k}`)),
  'prune',
  'prune.metric',
  'prune.direction',
  'prune.rungs',
];

/** Flat names a sweep may use for well-known hyper-parameters. */
export const CONFIG_ALIASES: Readonly<Record<string, string>> = {
  rank: 'lora.rank',
  alpha: 'lora.alpha',
  lora_dropout: 'lora.dropout',
  targets: 'lora.targets',
  lr: 'train.lr',
  steps: 'train.steps',
  batch_size: 'train.batch_size',
  difficulty: 'train.difficulty',
  log_every: 'train.log_every',
  eval_every: 'train.eval_every',
  checkpoint_every: 'train.checkpoint_every',
  pretrain_steps: 'pretrain.steps',
  pretrain_lr: 'pretrain.lr',
  pretrain_batch_size: 'pretrain.batch_size',
  d_model: 'model.d_model',
  n_layers: 'model.n_layers',
  n_heads: 'model.n_heads',
  max_len: 'model.max_len',
  layers: 'model.n_layers',
  // In a LoRA sweep the base model is fixed: a bare "dropout" means the adapter's.
  dropout: 'lora.dropout',
  model_dropout: 'model.dropout',
  eval_limit: 'eval.limit',
  max_new_tokens: 'eval.max_new_tokens',
};

const PATHS = new Set(CONFIG_PATHS);

export class ConfigKeyError extends Error {}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Where a given key lands, or null when it is not a config key. */
export function configPathOf(key: string): string | null {
  if (PATHS.has(key)) return key;
  return CONFIG_ALIASES[key] ?? null;
}

function unknownKey(where: string, key: string): ConfigKeyError {
  return new ConfigKeyError(
    `${where}: unknown config key "${key}" — known names: ${Object.keys(CONFIG_ALIASES).join(', ')}, seed, threads, prune; ` +
      `or a dotted path: ${CONFIG_PATHS.filter((p) => p.includes('.')).join(', ')}`,
  );
}

/**
 * The names of `source` as dotted paths: nested sections (`{ lora: { rank: 8 } }`), dotted
 * keys (`"lora.rank"`) and flat aliases (`rank`) all become `lora.rank`.
 * @example flattenConfigKeys({ rank: 8, train: { lr: 0.01 } }, 'overrides') → [['lora.rank', 8], ['train.lr', 0.01]]
 */
export function flattenConfigKeys(source: Record<string, unknown>, where: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(source)) {
    const path = configPathOf(key);
    if (path !== null) {
      out.push([path, value]);
    } else if ((SECTIONS as readonly string[]).includes(key) && isPlainObject(value)) {
      for (const [sub, v] of Object.entries(value)) {
        if (!PATHS.has(`${key}.${sub}`)) throw unknownKey(where, `${key}.${sub}`);
        out.push([`${key}.${sub}`, v]);
      }
    } else {
      throw unknownKey(where, key);
    }
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = structuredClone(value);
}

/** The names a params object would set, without checking values (plan-time validation). */
export function checkConfigKeys(source: Record<string, unknown>, where: string): string | null {
  try {
    flattenConfigKeys(source, where);
    return null;
  } catch (err) {
    if (err instanceof ConfigKeyError) return err.message;
    throw err;
  }
}

export class ConfigValueError extends Error {}

/**
 * The full trainer config: the trainer's defaults, then `defaults`, then `overrides`,
 * checked against the trainer's bounds.
 * @example buildConfig({}, { rank: 4, 'train.lr': 0.01 }).lora.rank === 4
 */
export function buildConfig(defaults: Record<string, unknown>, overrides: Record<string, unknown>): TrainerConfig {
  const merged = structuredClone(TRAINER_DEFAULTS) as unknown as Record<string, unknown>;
  for (const [where, source] of [['defaults', defaults], ['overrides', overrides]] as const) {
    for (const [path, value] of flattenConfigKeys(source, where)) setPath(merged, path, value);
  }
  const parsed = trainerConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `config.${i.path.join('.')}: ${i.message}`);
    throw new ConfigValueError(`invalid trainer config — ${issues.join('; ')}`);
  }
  return parsed.data;
}
