/** `${steps.a.outputs.trials.3.rank}`: references walk into object and array outputs. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { decodeJson } from '../kernel/store/json-column';
import { openKernel, plan, runPlan } from './helpers';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

const row = (k: Kernel, runId: string, step: string) => k.steps(runId).find((s) => s.step_id === step);
const trials = (ranks: number[]) => JSON.stringify(ranks.map((rank, i) => ({ id: i, rank })));
const producer = (ranks: number[]) => ({
  id: 'sweep',
  skill: 'shell',
  params: { command: `printf '%s\\n' '{"type":"output","name":"trials","value":${trials(ranks)}}' >> "$SGR_EVENTS_FILE"` },
});
const consumer = (path: string) => ({
  id: 'use',
  skill: 'shell',
  params: { command: `printf '{"type":"output","name":"got","value":%s}\\n' "\${steps.sweep.outputs.${path}}" >> "$SGR_EVENTS_FILE"` },
});

describe('nested output references', () => {
  it('hydrates a path into arrays and objects; the cache key follows the leaf only', async () => {
    kernel = openKernel();
    const a = await runPlan(kernel, plan({ steps: [producer([5, 6, 7, 8]), consumer('trials.3.rank')] }));
    expect(a.state).toBe('COMPLETED');
    const got = decodeJson<Record<string, unknown>>(row(kernel, a.runId, 'use')?.outputs_json ?? null, kernel.journal.blobs);
    expect(got?.got).toBe(8);
    expect(await kernel.replay(a.runId)).toMatchObject({ identical: true });

    // Another trial changed, the referenced leaf did not: the consumer is a cache hit.
    const b = await runPlan(kernel, plan({ steps: [producer([1, 6, 7, 8]), consumer('trials.3.rank')] }));
    expect(row(kernel, b.runId, 'sweep')?.cache_hit).toBe(0);
    expect(row(kernel, b.runId, 'use')).toMatchObject({ cache_hit: 1, cache_key: row(kernel, a.runId, 'use')?.cache_key });
    // The leaf changed: it re-runs.
    const c = await runPlan(kernel, plan({ steps: [producer([5, 6, 7, 9]), consumer('trials.3.rank')] }));
    expect(row(kernel, c.runId, 'use')?.cache_hit).toBe(0);
  });

  it('fails the step as a user error naming the full path when a segment is missing', async () => {
    kernel = openKernel();
    const { runId, state } = await runPlan(kernel, plan({ steps: [producer([5, 6]), consumer('trials.3.rank')] }));
    expect(state).toBe('FAILED');
    const use = row(kernel, runId, 'use');
    expect(use?.failure_class).toBe('user_error');
    expect(use?.error).toContain('step "sweep" has no output "trials.3.rank" ("3" is not in "trials")');
    expect(use?.error).toContain('its outputs: exitCode, trials');
  });
});
