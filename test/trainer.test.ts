/**
 * The reference PyTorch trainer (sdk/python/sgr_lora) end to end, with a tiny model so the
 * file stays fast: pretrain, LoRA fine-tune, eval, merge, preemption, determinism and the
 * safetensors format. Needs torch for $SGR_PYTHON (default /usr/bin/python3): skipped with a
 * loud reason when missing, but a failure under CI.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSynthetic } from '../skills/dataset/synthetic';
import { tempDir } from './helpers';
import { f32, metricSeries, outputs, parseSafetensors, python, readEvents, torchMissing, trainer, trainerAsync, type Run } from './trainer-helpers';

const missing = torchMissing();
if (missing && process.env.CI === 'true') throw new Error(`trainer tests need PyTorch under CI: ${missing}`);
if (missing) console.warn(`\n!!! SKIPPING test/trainer.test.ts: ${missing}. Install python3-torch or set SGR_PYTHON.\n`);

const RANK = 4;
const D_MODEL = 32;
const N_LAYERS = 1;
const FT_STEPS = 80;
const CONFIG = {
  seed: 3,
  model: { d_model: D_MODEL, n_layers: N_LAYERS, n_heads: 2, max_len: 160 },
  pretrain: { steps: 60, lr: 0.01, batch_size: 8 },
  lora: { rank: RANK, alpha: 8, targets: ['q', 'v'] },
  train: { steps: FT_STEPS, lr: 0.01, batch_size: 8, log_every: 10, eval_every: 40, checkpoint_every: 5 },
  eval: { limit: 8, max_new_tokens: 24 },
};

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const show = (r: Run): string => `exit ${r.status} signal ${r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

describe.skipIf(missing !== null)('sgr_lora reference trainer', () => {
  const dir = tempDir('sgr-trainer-');
  const p = (name: string): string => join(dir, name);
  let uninterruptedSha = '';

  /** Runs the trainer with its own events file; fails the test with the full output on a bad exit. */
  function run(args: string[], events: string, expectStatus = 0, env: Record<string, string> = {}): Run {
    const r = trainer(args, { SGR_EVENTS_FILE: p(events), ...env });
    expect(r.status, show(r)).toBe(expectStatus);
    return r;
  }

  beforeAll(() => {
    const rows = generateSynthetic({ seed: 11, size: 320 });
    const jsonl = (xs: unknown[]): string => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';
    writeFileSync(p('train.jsonl'), jsonl(rows.slice(0, 256)));
    writeFileSync(p('val.jsonl'), jsonl(rows.slice(256)));
    writeFileSync(p('cfg.json'), JSON.stringify(CONFIG));
    const common = ['--config', p('cfg.json'), '--train', p('train.jsonl'), '--val', p('val.jsonl')];
    run(['pretrain', ...common, '--out', p('base.safetensors')], 'pretrain.jsonl');
    const baseBefore = sha(p('base.safetensors'));
    run(['finetune', ...common, '--base', p('base.safetensors'), '--out', p('adapter.safetensors')], 'finetune.jsonl');
    expect(sha(p('base.safetensors'))).toBe(baseBefore);
    uninterruptedSha = sha(p('adapter.safetensors'));
  }, 180_000);

  it('pretraining lowers the validation loss', () => {
    const events = readEvents(p('pretrain.jsonl'));
    const val = metricSeries(events, 'val_loss');
    expect(val[0]?.step).toBe(0);
    const out = outputs(events);
    expect(out).toMatchObject({ steps: 60, pruned: false });
    expect(out.val_loss as number).toBeLessThan(val[0]?.value as number);
    expect(metricSeries(events, 'train_loss').length).toBeGreaterThan(0);
  });

  it('fine-tuning lowers the validation loss and trains only the LoRA tensors', () => {
    const out = outputs(readEvents(p('finetune.jsonl')));
    expect(out).toMatchObject({ steps: FT_STEPS, pruned: false });
    expect(out.val_loss as number).toBeLessThan(out.initial_val_loss as number);
    // rank x (d_in + d_out) for each of q and v in each layer.
    const expected = N_LAYERS * 2 * RANK * 2 * D_MODEL;
    expect(out.trainable_params).toBe(expected);
    expect(out.total_params as number).toBeGreaterThan(expected);

    const adapter = parseSafetensors(p('adapter.safetensors'));
    const names = Object.keys(adapter.tensors).sort();
    expect(names).toEqual(['blocks.0.attn.q.lora_A', 'blocks.0.attn.q.lora_B', 'blocks.0.attn.v.lora_A', 'blocks.0.attn.v.lora_B']);
    const count = names.reduce((n, k) => n + (adapter.tensors[k]?.shape ?? []).reduce((a, b) => a * b, 1), 0);
    expect(count).toBe(expected);
    expect(adapter.tensors['blocks.0.attn.q.lora_A']?.shape).toEqual([RANK, D_MODEL]);
    expect(adapter.metadata).toMatchObject({ sgr_lora: 'adapter', rank: String(RANK), targets: '["q", "v"]', base_sha256: sha(p('base.safetensors')) });
    // B starts at zero: a trained adapter has moved it.
    expect(f32(adapter, 'blocks.0.attn.v.lora_B').some((x) => x !== 0)).toBe(true);
  });

  it('evaluates loss and exact match', () => {
    const args = ['eval', '--config', p('cfg.json'), '--base', p('base.safetensors'), '--adapter', p('adapter.safetensors'), '--data', p('val.jsonl'), '--out', p('metrics.json')];
    run(args, 'eval.jsonl');
    const out = outputs(readEvents(p('eval.jsonl')));
    expect(out.n).toBe(8);
    expect(out.exact_match as number).toBeGreaterThanOrEqual(0);
    const metrics = JSON.parse(readFileSync(p('metrics.json'), 'utf8')) as Record<string, unknown>;
    expect(metrics).toMatchObject({ n: 8, loss: out.loss, exact_match: out.exact_match });
  });

  it('evaluates an ensemble by averaging the members\' distributions', () => {
    const common = ['eval', '--config', p('cfg.json'), '--base', p('base.safetensors'), '--data', p('val.jsonl')];
    run([...common, '--adapter', p('adapter.safetensors')], 'eval-one.jsonl');
    run([...common, '--adapter', p('adapter.safetensors'), '--adapter', p('adapter.safetensors')], 'eval-twin.jsonl');
    run([...common, '--adapter', p('adapter.safetensors'), '--adapter', p('base-as-none.safetensors')], 'eval-bad.jsonl', 2);
    const one = outputs(readEvents(p('eval-one.jsonl')));
    const twin = outputs(readEvents(p('eval-twin.jsonl')));
    // Two identical members average to the member itself.
    expect(twin.members).toBe(2);
    expect(twin.loss as number).toBeCloseTo(one.loss as number, 5);
    expect(twin.exact_match).toBe(one.exact_match);
  });

  it('merges the adapter into the base, verified equivalent, and changes only the targeted weights', () => {
    run(['merge', '--base', p('base.safetensors'), '--adapter', p('adapter.safetensors'), '--out', p('merged.safetensors')], 'merge.jsonl');
    const out = outputs(readEvents(p('merge.jsonl')));
    expect(out.verified).toBe(true);
    expect(out.max_abs_diff as number).toBeLessThanOrEqual(1e-5);
    const base = parseSafetensors(p('base.safetensors'));
    const merged = parseSafetensors(p('merged.safetensors'));
    expect(merged.metadata.sgr_lora).toBe('merged');
    expect(Object.keys(merged.tensors).sort()).toEqual(Object.keys(base.tensors).sort());
    const changed = Object.keys(base.tensors).filter((k) => !f32(base, k).every((x, i) => x === f32(merged, k)[i]));
    expect(changed.sort()).toEqual(['blocks.0.attn.q.weight', 'blocks.0.attn.v.weight']);

    // A tolerance nothing can meet: exit 3 with a clear message.
    const strict = run(['merge', '--base', p('base.safetensors'), '--adapter', p('adapter.safetensors'), '--out', p('strict.safetensors'), '--tol', '-1'], 'strict.jsonl', 3);
    expect(strict.stderr).toContain('NOT equivalent');
    expect(outputs(readEvents(p('strict.jsonl'))).verified).toBe(false);
    expect(existsSync(p('strict.safetensors'))).toBe(false);
  });

  it('refuses an adapter trained on another base', () => {
    writeFileSync(p('other.json'), JSON.stringify({ ...CONFIG, seed: 4, pretrain: { ...CONFIG.pretrain, steps: 0 } }));
    run(['pretrain', '--config', p('other.json'), '--train', p('train.jsonl'), '--val', p('val.jsonl'), '--out', p('other.safetensors')], 'other.jsonl');
    const r = run(['merge', '--base', p('other.safetensors'), '--adapter', p('adapter.safetensors'), '--out', p('bad.safetensors')], 'bad.jsonl', 2);
    expect(r.stderr).toContain('was trained on a different base model');
    expect(r.stderr).not.toContain('Traceback');
    expect(existsSync(p('bad.safetensors'))).toBe(false);
  });

  it('is deterministic: the same config and data give a bit-identical adapter', () => {
    const common = ['--config', p('cfg.json'), '--train', p('train.jsonl'), '--val', p('val.jsonl'), '--base', p('base.safetensors')];
    run(['finetune', ...common, '--out', p('again.safetensors')], 'again.jsonl');
    expect(sha(p('again.safetensors'))).toBe(uninterruptedSha);
  });

  it('continues a curriculum stage from the previous adapter, on the rows of the chosen difficulties', () => {
    const easy = readFileSync(p('train.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && [1, 2].includes((JSON.parse(l) as { difficulty: number }).difficulty)).length;
    writeFileSync(p('stage2.json'), JSON.stringify({ ...CONFIG, train: { ...CONFIG.train, steps: 5, difficulty: [1, 2] } }));
    const common = ['--config', p('stage2.json'), '--train', p('train.jsonl'), '--val', p('val.jsonl'), '--base', p('base.safetensors')];
    const r = run(['finetune', ...common, '--init', p('adapter.safetensors'), '--out', p('stage2.safetensors')], 'stage2.jsonl');
    expect(r.stdout).toContain(`(${easy} train rows)`);
    const out = outputs(readEvents(p('stage2.jsonl')));
    // The stage starts exactly where the previous adapter ended.
    expect(out.initial_val_loss).toBe(outputs(readEvents(p('finetune.jsonl'))).val_loss);
    expect(parseSafetensors(p('stage2.safetensors')).metadata.init_sha256).toBe(sha(p('adapter.safetensors')));

    writeFileSync(p('rank8.json'), JSON.stringify({ ...CONFIG, lora: { ...CONFIG.lora, rank: 8 } }));
    const bad = run(['finetune', ...common.slice(2), '--config', p('rank8.json'), '--init', p('adapter.safetensors'), '--out', p('x.safetensors')], 'x.jsonl', 2);
    expect(bad.stderr).toContain('--init adapter');
  });

  it('stops early, exit 0, when a prune rung says the trial is worse than the threshold', () => {
    writeFileSync(p('prune.json'), JSON.stringify({ ...CONFIG, prune: { metric: 'val_loss', direction: 'minimize', rungs: [{ step: 10, threshold: 0 }] } }));
    const args = ['finetune', '--config', p('prune.json'), '--train', p('train.jsonl'), '--val', p('val.jsonl'), '--base', p('base.safetensors'), '--out', p('pruned.safetensors')];
    run(args, 'prune.jsonl');
    const events = readEvents(p('prune.jsonl'));
    expect(outputs(events)).toMatchObject({ pruned: true, pruned_at: 10, steps: 10 });
    expect(metricSeries(events, 'val_loss').map((m) => m.step)).toEqual([0, 10]);
  });

  it('checkpoints and exits 75 on SIGTERM, then resumes to the same adapter as an uninterrupted run', async () => {
    const ckpt = p('ckpt');
    const args = ['finetune', '--config', p('cfg.json'), '--train', p('train.jsonl'), '--val', p('val.jsonl'), '--base', p('base.safetensors'), '--out', p('resumed.safetensors')];
    const env = { SGR_CHECKPOINT_DIR: ckpt, SGR_EVENTS_FILE: p('preempt-1.jsonl') };
    let sent = false;
    const first = await trainerAsync(args, env, (kill) => {
      if (!sent && existsSync(ckpt) && readdirSync(ckpt).some((f) => f.endsWith('.pt'))) {
        sent = true;
        kill('SIGTERM');
      }
    });
    expect(first.status, show(first)).toBe(75);
    expect(readdirSync(ckpt).filter((f) => f.endsWith('.pt')).length).toBe(1);
    expect(first.stdout).toMatch(/stop requested at step \d+/);
    expect(existsSync(p('resumed.safetensors'))).toBe(false);

    const second = run(args, 'preempt-2.jsonl', 0, { SGR_CHECKPOINT_DIR: ckpt });
    const resumedAt = Number(/resuming from step (\d+)/.exec(second.stdout)?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThan(FT_STEPS);
    expect(outputs(readEvents(p('preempt-2.jsonl'))).steps).toBe(FT_STEPS);
    expect(sha(p('resumed.safetensors'))).toBe(uninterruptedSha);
  }, 120_000);

  it('writes safetensors by the spec and reads back what it wrote', () => {
    const st = parseSafetensors(p('base.safetensors'));
    expect((8 + st.headerLength) % 8).toBe(0);
    expect(st.metadata.sgr_lora).toBe('base');
    expect(JSON.parse(st.metadata.arch ?? '{}')).toMatchObject({ d_model: D_MODEL, n_layers: N_LAYERS, max_len: 160 });
    expect((JSON.parse(st.metadata.vocab ?? '[]') as string[]).slice(0, 5)).toEqual(['<pad>', '<bos>', '<eos>', '<sep>', ' ']);

    const file = p('roundtrip.safetensors');
    const code = [
      'import sys, torch',
      'from sgr_lora.safetensors_io import save_file, load_file',
      't = {"b": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4, "a": torch.tensor([1.5], dtype=torch.float64), "z": torch.arange(5)}',
      'save_file(t, sys.argv[1], {"k": "v"})',
      'back, meta = load_file(sys.argv[1])',
      'assert meta == {"k": "v"}, meta',
      'assert set(back) == set(t) and all(torch.equal(back[k], t[k]) and back[k].dtype == t[k].dtype for k in t)',
    ].join('\n');
    const py = python(code, file);
    expect(py.status, show(py)).toBe(0);
    const rt = parseSafetensors(file);
    expect(rt.metadata).toEqual({ k: 'v' });
    expect(rt.tensors.b).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: expect.any(Array) as unknown });
    expect(Array.from(f32(rt, 'b'))).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(rt.tensors.z?.dtype).toBe('I64');
  });

  it('refuses an unknown config key with a message naming it', () => {
    writeFileSync(p('typo.json'), JSON.stringify({ model: { d_modle: 32 } }));
    const r = trainer(['pretrain', '--config', p('typo.json'), '--train', p('train.jsonl'), '--val', p('val.jsonl'), '--out', p('x.safetensors')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown config key 'model.d_modle'");
    expect(r.stderr).not.toContain('Traceback');
  });
});
