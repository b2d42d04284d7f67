/**
 * Preemption by the scheduler, end to end on the local target with the reference trainer
 * (sgr_lora through the `train` skill): a low-priority preemptible pretraining holds the
 * one slot; a high-priority job arrives; the scheduler SIGTERMs the trainer's process
 * group (not a cancel), the trainer checkpoints and exits 75, the high-priority job runs,
 * the step is requeued as attempt 2 and resumes from exactly the checkpointed step.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { listEvents } from '../kernel/store/events-repo';
import { findTorchPython } from '../skills/ml/python-runtime';
import { openKernel, plan, tempDir, until } from './helpers';

const python = findTorchPython();
if (python === null && process.env.CI !== 'true') {
  console.warn('\n*** test/sched-preempt.test.ts SKIPPED: no Python with PyTorch (install python3-torch or set SGR_PYTHON) ***\n');
}

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

const TINY = {
  threads: 1,
  model: { d_model: 16, n_layers: 1, n_heads: 2, max_len: 160 },
  pretrain: { steps: 400, batch_size: 4 },
  train: { steps: 4, batch_size: 4, log_every: 10, eval_every: 1000, checkpoint_every: 5 },
  eval: { limit: 4, max_new_tokens: 8 },
};

describe.skipIf(python === null && process.env.CI !== 'true')('scheduler preemption (local, reference trainer)', () => {
  it('preempts low-priority training for a high-priority job; the trainer resumes from its checkpoint step', async () => {
    const home = tempDir('sgr-sched-preempt-');
    writeFileSync(join(home, 'targets.yaml'), 'targets:\n  local:\n    kind: local\n    resources: { maxJobs: 1 }\n');
    kernel = openKernel(home);
    const warnings: string[] = [];
    kernel.bus.on('step.warned', (e) => warnings.push(`${e.stepId}: ${e.message}`));
    const low = kernel.createRun(plan({
      steps: [
        { id: 'data', skill: 'dataset', params: { source: { synthetic: { seed: 1, size: 60 } } } },
        { id: 'cfg', skill: 'config', params: { defaults: TINY, overrides: { rank: 2, lr: 0.01, seed: 3 } } },
        {
          id: 'pre', skill: 'train', priority: 0, preemptible: true, retry: { max: 0 },
          params: { mode: 'pretrain', config: '${steps.cfg.outputs.config}' },
          inputs: { train: '${steps.data.outputs.train}', val: '${steps.data.outputs.val}' },
        },
      ],
    }));
    const lowDone = kernel.execute(low);
    const first = join(home, 'jobs', `${low}.pre.1`);
    const checkpoints = (): number => (existsSync(join(first, 'events.jsonl')) ? readFileSync(join(first, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"checkpoint"')).length : 0);
    await until('a few checkpoints of the low-priority training', () => (checkpoints() >= 3 ? true : null), 120_000);

    const high = kernel.createRun(plan({ steps: [{ id: 'urgent', skill: 'shell', priority: 10, params: { command: 'echo urgent' } }] }));
    expect(await kernel.execute(high)).toBe('COMPLETED');
    expect(await lowDone).toBe('COMPLETED');

    // Attempt 1 checkpointed and exited 75 on the scheduler's SIGTERM; it was not cancelled.
    expect(readFileSync(join(first, 'exit'), 'utf8').trim()).toBe('75');
    expect(existsSync(join(first, 'killed'))).toBe(false);
    const stoppedAt = Number(/stop requested at step (\d+)/.exec(readFileSync(join(first, 'stdout.log'), 'utf8'))?.[1]);
    expect(stoppedAt).toBeGreaterThanOrEqual(15);
    expect(stoppedAt).toBeLessThan(400);
    // Attempt 2 resumed from exactly that step and finished the training.
    const second = readFileSync(join(home, 'jobs', `${low}.pre.2`, 'stdout.log'), 'utf8');
    expect(Number(/resuming from step (\d+)/.exec(second)?.[1])).toBe(stoppedAt);
    expect(kernel.steps(low).find((s) => s.step_id === 'pre')).toMatchObject({ state: 'COMPLETED', attempt: 2 });
    const events = listEvents(kernel.db, low).filter((e) => e.step_id === 'pre').map((e) => `${e.kind}@${e.attempt}`);
    expect(events).toContain('step.preempted@1');
    expect(events).toContain('step.completed@2');
    expect(warnings).toContain('pre: attempt 1 is being preempted for higher-priority work on target local (grace 10000 ms to checkpoint)');
    expect(warnings).toContain('pre: attempt 1 preempted; requeued as attempt 2 (resumes from its checkpoint)');
    // The urgent job ran in the freed slot: it exited before attempt 2's process started.
    const mtime = (f: string): number => statSync(f).mtimeMs;
    expect(mtime(join(home, 'jobs', `${high}.urgent.1`, 'exit'))).toBeLessThanOrEqual(mtime(join(home, 'jobs', `${low}.pre.2`, 'pid')));
    expect(mtime(join(first, 'exit'))).toBeLessThanOrEqual(mtime(join(home, 'jobs', `${high}.urgent.1`, 'pid')));
  }, 240_000);
});
