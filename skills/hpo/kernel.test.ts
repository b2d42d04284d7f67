/** hpo-suggest inside the kernel: a failed trial hydrates to null, the next batch still runs, replay is identical. */
import { afterEach, describe, expect, it } from 'vitest';
import { Kernel } from '../../kernel/api/kernel';
import { decodeJson } from '../../kernel/store/json-column';
import { plan, runPlan, tempDir } from '../../test/helpers';
import { builtinSkills } from '../index';
import { hpoSuggestSkill } from './index';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

const emit = (name: string, value: string) => `printf '{"type":"output","name":"${name}","value":%s}\\n' "${value}" >> "$SGR_EVENTS_FILE"`;
const space = { x: { type: 'uniform', low: -5, high: 5 } };
const trial = (id: string, x: string, fail = false) => ({ id, skill: 'shell', params: { command: `${fail ? 'exit 2; ' : ''}${emit('loss', `$(awk 'BEGIN { print (${x} - 1) ^ 2 }')`)}` } });

describe('hpo-suggest in a run', () => {
  it('suggests batch 1 from batch 0 with a failed trial, and replays bit for bit', async () => {
    kernel = Kernel.open({ home: tempDir(), skills: [...builtinSkills.filter((s) => s.name !== 'hpo-suggest'), hpoSuggestSkill] });
    const ref = (step: string, out: string) => `\${steps.${step}.outputs.${out}}`;
    const suggest = (id: string, batch: number, history: unknown[]) => ({ id, skill: 'hpo-suggest', trigger: 'all_done', params: { space, n: 2, seed: 5, batch, sampler: 'tpe' }, inputs: { history } });
    const { runId } = await runPlan(
      kernel,
      plan({
        steps: [
          suggest('s0', 0, []),
          trial('t0', ref('s0', 'trials.0.x')),
          trial('t1', ref('s0', 'trials.1.x'), true),
          suggest('s1', 1, [
            { params: { x: ref('s0', 'trials.0.x') }, value: ref('t0', 'loss') },
            { params: { x: ref('s0', 'trials.1.x') }, value: ref('t1', 'loss') },
          ]),
        ],
      }),
    );
    const states = Object.fromEntries(kernel.steps(runId).map((s) => [s.step_id, s.state]));
    expect(states).toEqual({ s0: 'COMPLETED', t0: 'COMPLETED', t1: 'FAILED', s1: 'COMPLETED' });
    const out = (step: string) => decodeJson<Record<string, unknown>>(kernel!.steps(runId).find((s) => s.step_id === step)?.outputs_json ?? null, kernel!.journal.blobs);
    expect(out('s1')).toMatchObject({ historySize: 1, prune: null });
    expect(out('s1')?.trials).toHaveLength(2);
    expect(out('s1')?.trials).not.toEqual(out('s0')?.trials);
    expect(await kernel.replay(runId)).toMatchObject({ identical: true });
  });
});
