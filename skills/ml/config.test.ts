/** Trainer config merging: defaults, nested/dotted/flat overrides, unknown keys, bounds. */
import { describe, expect, it } from 'vitest';
import { configParams } from './config';
import { buildConfig, CONFIG_PATHS, TRAINER_DEFAULTS } from './trainer-config';

describe('buildConfig', () => {
  it('returns the trainer defaults when nothing is given', () => {
    expect(buildConfig({}, {})).toEqual(TRAINER_DEFAULTS);
  });

  it('maps flat sweep names, dotted keys and nested sections onto the same keys; overrides win', () => {
    const c = buildConfig(
      { train: { steps: 20, lr: 0.01 }, model: { d_model: 32 } },
      { rank: 4, lr: 0.003, 'lora.alpha': 8, lora_dropout: 0.1, seed: 3, difficulty: 2, pretrain_steps: 5, lora: { targets: ['v', 'q', 'o'] } },
    );
    expect(c.lora).toEqual({ rank: 4, alpha: 8, dropout: 0.1, targets: ['q', 'v', 'o'] });
    expect(c.train).toMatchObject({ steps: 20, lr: 0.003, difficulty: [2] });
    expect(c.model.d_model).toBe(32);
    expect(c.pretrain.steps).toBe(5);
    expect(c.seed).toBe(3);
  });

  it('reads a sweep\'s shorthand: targets as letters, layers, dropout as the adapter\'s', () => {
    const c = buildConfig({}, { targets: 'vq', layers: 3, dropout: 0.05 });
    expect(c.lora).toMatchObject({ targets: ['q', 'v'], dropout: 0.05 });
    expect(c.model.n_layers).toBe(3);
    expect(buildConfig({}, { targets: 'q,k,v,o' }).lora.targets).toEqual(['q', 'k', 'v', 'o']);
    expect(() => buildConfig({}, { targets: 'qx' })).toThrow(/config\.lora\.targets\.1: a LoRA target is one of q, k, v, o/);
  });

  it('takes a TPE trial\'s prune thresholds (or null) as defaults', () => {
    const prune = { metric: 'val_loss', direction: 'minimize', rungs: [{ step: 25, threshold: 2.5 }] };
    expect(buildConfig({ prune }, { rank: 4, seed: 1, eval_every: 25 }).prune).toEqual(prune);
    expect(buildConfig({ prune: null }, {}).prune).toBeNull();
  });

  it('never mutates the defaults it starts from', () => {
    buildConfig({}, { targets: ['k'] });
    expect(TRAINER_DEFAULTS.lora.targets).toEqual(['q', 'v']);
  });

  it('sets prune as a whole or key by key', () => {
    expect(buildConfig({}, { prune: { rungs: [{ step: 20, threshold: 2 }, { step: 10, threshold: 3 }] } }).prune).toEqual({
      metric: 'val_loss', direction: 'minimize', rungs: [{ step: 10, threshold: 3 }, { step: 20, threshold: 2 }],
    });
    expect(buildConfig({}, { 'prune.metric': 'train_loss' }).prune).toMatchObject({ metric: 'train_loss', rungs: [] });
  });

  it('names an unknown key and lists the known ones', () => {
    expect(() => buildConfig({}, { rnak: 8 })).toThrow(/overrides: unknown config key "rnak" — known names: rank, alpha/);
    expect(() => buildConfig({}, { 'lora.rnak': 8 })).toThrow(/unknown config key "lora.rnak".*lora\.rank/);
    expect(() => buildConfig({ lora: { bogus: 1 } }, {})).toThrow(/defaults: unknown config key "lora.bogus"/);
  });

  it('checks values with the trainer\'s bounds, naming the key', () => {
    expect(() => buildConfig({}, { rank: 0 })).toThrow(/config\.lora\.rank: must be >= 1/);
    expect(() => buildConfig({}, { rank: 2.5 })).toThrow(/config\.lora\.rank: must be a whole number/);
    expect(() => buildConfig({}, { targets: ['x'] })).toThrow(/config\.lora\.targets\.0: a LoRA target is one of q, k, v, o/);
    expect(() => buildConfig({}, { d_model: 31 })).toThrow(/config\.model\.d_model: must be divisible by model\.n_heads/);
  });

  it('lists every leaf of the defaults among the dotted paths', () => {
    expect(CONFIG_PATHS).toContain('train.checkpoint_every');
    expect(CONFIG_PATHS).toContain('eval.max_new_tokens');
  });
});

describe('config params', () => {
  it('reports unknown override names at validation time, with the field', () => {
    const bad = configParams.safeParse({ overrides: { rnak: 8 } });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['overrides'], message: expect.stringContaining('"rnak"') });
    expect(configParams.safeParse({ overrides: { rank: 8 } }).success).toBe(true);
  });
});
