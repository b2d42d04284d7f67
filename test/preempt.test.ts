/**
 * Preemption (exit 75): a python step using the worker SDK is SIGTERMed mid-run; it saves a
 * checkpoint and exits 75, the kernel requeues it at once as attempt 2 (retry.max: 0 still
 * allows it), and attempt 2 resumes from the checkpoint in the stable SGR_CHECKPOINT_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { listEvents } from '../kernel/store/events-repo';
import { decodeJson } from '../kernel/store/json-column';
import { openKernel, plan, sgr, tempDir, until } from './helpers';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

const STEPS = 30;
const EXPECTED = Array.from({ length: STEPS }, (_, i) => i * i).reduce((a, b) => a + b, 0);

const CODE = `
import json, os, sys, time
from sgr_worker import EXIT_PREEMPTED, latest_checkpoint, log_output, save_checkpoint, should_stop
path = os.path.join(os.environ["SGR_CHECKPOINT_DIR"], "state.json")
start, acc = 0, 0
ckpt = latest_checkpoint()
if ckpt:
    with open(ckpt) as f:
        state = json.load(f)
    start, acc = state["i"], state["acc"]
log_output("resumed_from", start)
print("start", start, flush=True)
for i in range(start, ${STEPS}):
    acc += i * i
    with open(path + ".tmp", "w") as f:
        json.dump({"i": i + 1, "acc": acc}, f)
    os.replace(path + ".tmp", path)
    save_checkpoint(path, step=i + 1)
    if should_stop():
        sys.exit(EXIT_PREEMPTED)
    time.sleep(0.05)
log_output("result", acc)
`;

const checkpoints = (eventsFile: string): number => {
  if (!existsSync(eventsFile)) return 0;
  return readFileSync(eventsFile, 'utf8').split('\n').filter((l) => l.includes('"checkpoint"')).length;
};

describe('preemption', () => {
  it('requeues a job that exits 75 and resumes it from its checkpoint; replay is identical', async () => {
    const home = tempDir('sgr-preempt-');
    kernel = openKernel(home);
    const runId = kernel.createRun(plan({ steps: [{ id: 'work', skill: 'python', params: { code: CODE }, retry: { max: 0 } }] }));
    const warnings: string[] = [];
    kernel.bus.on('step.warned', (e) => warnings.push(e.message));
    const done = kernel.execute(runId);

    const jobDir = join(home, 'jobs', `${runId}.work.1`);
    const pgid = await until('the job pid', () => {
      const f = join(jobDir, 'pid');
      return existsSync(f) ? Number(readFileSync(f, 'utf8').split(' ')[0]) || null : null;
    });
    await until('a few checkpoints', () => (checkpoints(join(jobDir, 'events.jsonl')) >= 5 ? true : null));
    // What a cluster scheduler does: SIGTERM the job's process group.
    process.kill(-pgid, 'SIGTERM');

    expect(await done).toBe('COMPLETED');
    const row = kernel.steps(runId).find((s) => s.step_id === 'work');
    expect(row).toMatchObject({ state: 'COMPLETED', attempt: 2 });
    const outputs = decodeJson<Record<string, unknown>>(row?.outputs_json ?? null, kernel.journal.blobs);
    expect(outputs?.result).toBe(EXPECTED);
    expect(outputs?.resumed_from).toBeGreaterThanOrEqual(5);
    expect(readFileSync(join(home, 'jobs', `${runId}.work.2`, 'stdout.log'), 'utf8')).toMatch(/^start ([1-9]\d*)$/m);
    expect(readFileSync(join(home, 'jobs', `${runId}.work.1`, 'exit'), 'utf8').trim()).toBe('75');
    expect(existsSync(join(home, 'checkpoints', runId, 'work', 'state.json'))).toBe(true);

    const events = listEvents(kernel.db, runId).filter((e) => e.step_id === 'work').map((e) => `${e.kind}@${e.attempt}`);
    expect(events).toContain('step.preempted@1');
    expect(events).toContain('step.completed@2');
    expect(warnings).toEqual([expect.stringContaining('attempt 1 preempted; requeued as attempt 2')]);

    const report = await kernel.replay(runId);
    expect(report).toMatchObject({ identical: true, compared: 1 });

    await kernel.close();
    kernel = null;
    const shown = await sgr(home, ['show', runId]);
    expect(shown.stdout).toMatch(/work\s+COMPLETED\s+2 \(1 preempted\)/);
    const json = JSON.parse((await sgr(home, ['show', runId, '--json'])).stdout) as { steps: Array<{ preemptions: number }> };
    expect(json.steps[0]!.preemptions).toBe(1);
  });
});
