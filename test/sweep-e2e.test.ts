/**
 * Sweeps end to end through the CLI with the real reference trainer on a tiny model:
 * grid × seeds → select → report, and TPE in batches with ASHA; then a cached re-run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTorchPython } from '../skills/ml/python-runtime';
import { sgr, tempDir } from './helpers';

const inCi = process.env.CI === 'true';
const python = findTorchPython();
if (python === null && !inCi) console.warn('SKIPPING test/sweep-e2e.test.ts: no Python with PyTorch (install python3-torch or set SGR_PYTHON)');

const TINY = `{ threads: 1, model: { d_model: 16, n_layers: 1, n_heads: 2, max_len: 160 }, pretrain: { steps: 6, batch_size: 4 }, train: { steps: 4, batch_size: 4, log_every: 2, eval_every: 2, checkpoint_every: 2 }, eval: { limit: 4, max_new_tokens: 8 } }`;

const EXPERIMENT = `version: 2
name: tiny-sweeps
concurrency: 2
steps:
  data: { skill: dataset, params: { source: { synthetic: { seed: 1, size: 60 } } } }
  base_config: { skill: config, params: { defaults: ${TINY} } }
  pretrain:
    skill: train
    params: { mode: pretrain, config: "\${steps.base_config.outputs.config}" }
    inputs: { train: "\${steps.data.outputs.train}", val: "\${steps.data.outputs.val}" }
sweeps:
  rank:
    grid: { rank: [2, 4] }
    seeds: [1, 2]
    objective: { metric: eval.loss, direction: minimize }
    select: { title: Tiny rank sweep }
    steps:
      config: { skill: config, params: { defaults: ${TINY}, overrides: "\${trial.params}" } }
      train: &train
        skill: train
        params: { mode: lora, config: "\${steps.config.outputs.config}" }
        inputs: { base: "\${steps.pretrain.outputs.model}", train: "\${steps.data.outputs.train}", val: "\${steps.data.outputs.val}" }
      eval: &eval
        skill: eval
        params: { config: "\${steps.config.outputs.config}" }
        inputs: { base: "\${steps.pretrain.outputs.model}", adapter: "\${steps.train.outputs.adapter}", data: "\${steps.data.outputs.val}" }
  hpo:
    tpe:
      trials: 4
      batch: 2
      startupTrials: 2
      space: { lr: { type: loguniform, low: 0.001, high: 0.1 }, rank: { type: choice, values: [2, 4] } }
      pruner: { type: asha, minResource: 2, reductionFactor: 2, maxStep: 4, evalEvery: 2 }
    objective: { metric: eval.loss, direction: minimize }
    select: true
    steps:
      config: { skill: config, params: { defaults: ${TINY.replace(/ }$/, ', prune: "${trial.prune}" }')}, overrides: "\${trial.params}" } }
      train: { <<: *train }
      eval: { <<: *eval }
`;

type Shown = { state: string; steps: Array<{ id: string; state: string; cacheHit: boolean; outputs: Record<string, unknown> | null }> };

describe.skipIf(python === null && !inCi)('sweeps end to end with the reference trainer', () => {
  it('runs grid × seeds and TPE + ASHA, selects, reports, and re-runs from cache', async () => {
    expect(python, 'no Python with PyTorch: install python3-torch (Debian) or set SGR_PYTHON').not.toBeNull();
    const dir = tempDir();
    const home = join(dir, 'home');
    const file = join(dir, 'experiment.yaml');
    writeFileSync(file, EXPERIMENT);

    const first = await sgr(home, ['run', file]);
    expect(first.code, first.stderr).toBe(0);
    const runId = first.stdout.split('\n')[0]!;
    const shown = JSON.parse((await sgr(home, ['show', runId, '--json'])).stdout) as Shown;
    const out = (id: string) => shown.steps.find((s) => s.id === id)!.outputs!;
    expect(shown.steps.filter((s) => s.state !== 'COMPLETED')).toEqual([]);
    expect(shown.steps).toHaveLength(3 + 4 * 3 + 2 + (2 + 4 * 3 + 2));

    // select: two configurations, two seeds each, a winner with an interval.
    const selection = out('rank-select') as { winner: { config: string; n: number; ci95: [number, number] | null }; ranking: Array<{ config: string; n: number }> };
    expect(selection.ranking.map((r) => r.n)).toEqual([2, 2]);
    expect(['c0', 'c1']).toContain(selection.winner.config);
    expect(selection.winner.ci95).not.toBeNull();
    expect(out('rank-report').winner).toBe(selection.winner.config);

    // TPE: the second batch's suggestions come from a suggest step that saw the first batch.
    expect(out('hpo-suggest-0').historySize).toBe(0);
    expect(out('hpo-suggest-1').historySize).toBe(2);
    const lrs = [0, 1, 2, 3].map((k) => (out(`hpo-t${k}-config`).config as { train: { lr: number } }).train.lr);
    expect(new Set(lrs).size).toBe(4);
    for (const lr of lrs) expect(lr).toBeGreaterThanOrEqual(0.001);
    expect(out('hpo-t2-config').config).toMatchObject({ prune: { metric: 'val_loss' } });

    const again = await sgr(home, ['run', file]);
    expect(again.code).toBe(0);
    const shownAgain = JSON.parse((await sgr(home, ['show', again.stdout.split('\n')[0]!, '--json'])).stdout) as Shown;
    expect(shownAgain.steps.filter((s) => !s.cacheHit).map((s) => s.id)).toEqual([]);

    const manifest = await sgr(home, ['manifest', runId]);
    expect(manifest.code).toBe(0);
    expect(manifest.stdout).toContain('hpo-suggest-1');
  }, 300_000);
});
