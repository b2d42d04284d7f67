/**
 * The PEFT lab end to end through the kernel, with the reference trainer (sgr_lora) on a
 * tiny config: dataset → config → pretrain → LoRA → eval → merge, then select → report.
 * Needs a Python with PyTorch: skipped loudly without one, failed under CI=true.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExperiment } from '../kernel/plan/load-experiment';
import { Kernel } from '../kernel/api/kernel';
import { decodeJson } from '../kernel/store/json-column';
import { builtinSkills } from '../skills';
import { mlSkills } from '../skills/ml';
import { findTorchPython } from '../skills/ml/python-runtime';
import { plan, ROOT, runPlan, tempDir } from './helpers';

const python = findTorchPython();
const inCi = process.env.CI === 'true';
if (python === null && !inCi) {
  console.warn('\n*** test/ml-skills.test.ts SKIPPED: no Python with PyTorch (install python3-torch or set SGR_PYTHON) ***\n');
}

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

/** Built-ins plus the ML skills (once skills/index.ts registers them, without doubles). */
function openMlKernel(): Kernel {
  const skills = [...builtinSkills.filter((s) => !mlSkills.some((m) => m.name === s.name)), ...mlSkills];
  return Kernel.open({ home: tempDir(), skills });
}

const outputs = (k: Kernel, runId: string, step: string): Record<string, unknown> =>
  decodeJson<Record<string, unknown>>(k.steps(runId).find((s) => s.step_id === step)?.outputs_json ?? null, k.journal.blobs) ?? {};

const TINY = {
  threads: 1,
  model: { d_model: 16, n_layers: 1, n_heads: 2, max_len: 160 },
  pretrain: { steps: 6, batch_size: 4 },
  train: { steps: 4, batch_size: 4, log_every: 2, eval_every: 2, checkpoint_every: 2 },
  eval: { limit: 4, max_new_tokens: 8 },
};

describe.skipIf(python === null && !inCi)('ML skills end to end (reference trainer)', () => {
  it('finds a Python with PyTorch', () => {
    expect(python, 'no Python with PyTorch: install python3-torch (Debian) or pip install torch, or set SGR_PYTHON').not.toBeNull();
  });

  it('runs dataset → config → pretrain → lora → eval → merge → select → report', async () => {
    kernel = openMlKernel();
    const { runId, state } = await runPlan(kernel, plan({
      concurrency: 2,
      steps: [
        { id: 'data', skill: 'dataset', params: { source: { synthetic: { seed: 1, size: 60 } } } },
        { id: 'cfg', skill: 'config', params: { defaults: TINY, overrides: { rank: 2, lr: 0.01, seed: 3 } } },
        {
          id: 'pre', skill: 'train', params: { mode: 'pretrain', config: '${steps.cfg.outputs.config}' },
          inputs: { train: '${steps.data.outputs.train}', val: '${steps.data.outputs.val}' },
        },
        {
          id: 'lora', skill: 'train', params: { mode: 'lora', config: '${steps.cfg.outputs.config}' },
          inputs: { train: '${steps.data.outputs.train}', val: '${steps.data.outputs.val}', base: '${steps.pre.outputs.model}' },
        },
        {
          id: 'ev', skill: 'eval', params: { config: '${steps.cfg.outputs.config}' },
          inputs: { base: '${steps.pre.outputs.model}', adapter: '${steps.lora.outputs.adapter}', data: '${steps.data.outputs.test}' },
        },
        { id: 'merge', skill: 'merge', params: { tol: 1e-4 }, inputs: { base: '${steps.pre.outputs.model}', adapter: '${steps.lora.outputs.adapter}' } },
        {
          id: 'sel', skill: 'select', params: { metric: 'loss', direction: 'minimize' },
          inputs: { trials: [{ config: 'rank2', params: { rank: 2 }, seed: 3, value: '${steps.ev.outputs.loss}', step: 'ev' }, null] },
        },
        { id: 'rep', skill: 'report', params: { title: 'Tiny LoRA' }, inputs: { selection: '${steps.sel.outputs.selection}' } },
      ],
    }));
    const failed = kernel.steps(runId).filter((s) => s.state !== 'COMPLETED').map((s) => `${s.step_id}: ${s.state} ${s.error ?? ''}`);
    expect(failed).toEqual([]);
    expect(state).toBe('COMPLETED');

    const cfg = outputs(kernel, runId, 'cfg');
    expect(cfg.config).toMatchObject({ seed: 3, lora: { rank: 2 }, train: { lr: 0.01, steps: 4 } });

    const pre = outputs(kernel, runId, 'pre');
    expect(pre).toMatchObject({ exitCode: 0, pruned: false, model: { name: 'model.safetensors' } });
    const lora = outputs(kernel, runId, 'lora');
    expect(lora).toMatchObject({ exitCode: 0, pruned: false, steps: 4, adapter: { name: 'adapter.safetensors' } });
    expect(lora.trainable_params).toBeGreaterThan(0);
    expect(lora.total_params).toBeGreaterThan(lora.trainable_params as number);
    const curve = lora.curve as Record<string, Array<[number, number]>>;
    expect(curve.train_loss?.map(([s]) => s)).toEqual([2, 4]);
    expect(curve.val_loss?.[0]?.[0]).toBe(0);

    const ev = outputs(kernel, runId, 'ev');
    expect(ev).toMatchObject({ exitCode: 0, n: 4, metrics: { name: 'metrics.json' } });
    expect(ev.loss).toBeGreaterThan(0);
    expect(ev.exact_match).toBeGreaterThanOrEqual(0);

    expect(outputs(kernel, runId, 'merge')).toMatchObject({ exitCode: 0, verified: true, merged: { name: 'merged.safetensors' } });
    expect(outputs(kernel, runId, 'sel')).toMatchObject({ winner: { config: 'rank2', n: 1 }, failed: 1 });

    const rep = outputs(kernel, runId, 'rep');
    expect(rep.winner).toBe('rank2');
    const md = (await kernel.cas.read((rep.markdown as { $artifact: string }).$artifact)).toString();
    expect(md).toContain('# Tiny LoRA');
    expect(md).toContain(`sgr manifest ${runId}`);
  });
});

describe('ML skills with user commands (no PyTorch needed)', () => {
  it('train and eval run command templates; JSON stdout lines become eval outputs', async () => {
    kernel = openMlKernel();
    const { runId, state } = await runPlan(kernel, plan({
      steps: [
        { id: 'cfg', skill: 'config', params: { overrides: { rank: 4, 'train.lr': 0.02 } } },
        {
          id: 'fit', skill: 'train',
          params: {
            mode: 'lora', config: '${steps.cfg.outputs.config}',
            command: 'printf "%s %s" {{rank}} {{train.lr}} > {{out}} && cp {{config}} used.json && printf \'{"type":"metric","name":"train_loss","value":1.5,"step":1}\\n\' >> "$SGR_EVENTS_FILE"',
            outputs: { used: 'used.json' },
          },
        },
        {
          id: 'score', skill: 'eval',
          params: { config: '${steps.cfg.outputs.config}', command: 'echo scoring {{adapter}}; echo "{\\"exact_match\\": $(wc -c < {{adapter}})}"' },
          inputs: { adapter: '${steps.fit.outputs.adapter}' },
        },
      ],
    }));
    expect(kernel.steps(runId).filter((s) => s.state !== 'COMPLETED').map((s) => `${s.step_id}: ${s.error ?? ''}`)).toEqual([]);
    expect(state).toBe('COMPLETED');
    const fit = outputs(kernel, runId, 'fit');
    expect(fit).toMatchObject({ pruned: false, curve: { train_loss: [[1, 1.5]] }, used: { name: 'used.json' } });
    expect((await kernel.cas.read((fit.adapter as { $artifact: string }).$artifact)).toString()).toBe('4 0.02');
    expect(outputs(kernel, runId, 'score')).toMatchObject({ exact_match: 6, loss: null, n: null });
  });
});

describe('docs/skills.md', () => {
  it('has a complete example that loads and validates against the skills', async () => {
    const doc = readFileSync(`${ROOT}/docs/skills.md`, 'utf8');
    const example = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string).find((b) => b.startsWith('version: 1'));
    const { plan: p } = parseExperiment(example as string, 'experiment.yaml');
    expect(p.steps.map((s) => s.id)).toEqual(['data', 'cfg', 'pre', 'lora', 'ev', 'merged', 'pick', 'report']);
    kernel = openMlKernel();
    expect(kernel.validate(p)).toEqual([]);
  });
});
