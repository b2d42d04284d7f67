/** The Python worker SDK (sdk/python/sgr_worker.py) end to end: real kernel, real python3. */
import { spawn, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { decodeJson } from '../kernel/store/json-column';
import { listMetrics } from '../kernel/store/metrics-repo';
import { findPythonSdkDir } from '../skills/python/sdk-path';
import { ROOT, openKernel, plan, runPlan, sgr, tempDir } from './helpers';

const SDK = join(ROOT, 'sdk', 'python');

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

/** Writes `code` to a fresh temp dir; returns the script path. */
function script(code: string): string {
  const file = join(tempDir('sgr-pysdk-'), 'job.py');
  writeFileSync(file, code);
  return file;
}

// Every SDK call once; also used outside SGR, where each is a no-op.
const EVERYTHING = `
from sgr_worker import *
log_params({"lr": 0.001}, batch_size=64)
for step in range(3):
    log_metric("loss", 1.0 / (step + 1), step=step)
    progress((step + 1) / 3, "step %d" % step)
    heartbeat()
with open("model.txt", "w") as f:
    f.write("weights")
log_artifact("model.txt", name="model", format="text")
with open("ckpt-2.txt", "w") as f:
    f.write("state")
save_checkpoint("ckpt-2.txt", step=2)
log_output("accuracy", 0.91)
log_output("latest", latest_checkpoint())
print("done")
`;

describe('python worker SDK', () => {
  it('reports metrics, params, outputs, artifacts and checkpoints from a python step', async () => {
    kernel = openKernel();
    const { runId, state } = await runPlan(kernel, plan({ steps: [{ id: 'train', skill: 'python', params: { script: script(EVERYTHING) } }] }));
    expect(state).toBe('COMPLETED');
    expect(listMetrics(kernel.db, runId).map((p) => [p.name, p.step, p.value])).toEqual([['loss', 0, 1], ['loss', 1, 0.5], ['loss', 2, 1 / 3]]);
    const row = kernel.steps(runId).find((s) => s.step_id === 'train');
    const outputs = decodeJson<Record<string, unknown>>(row?.outputs_json ?? null, kernel.journal.blobs);
    expect(outputs).toMatchObject({ exitCode: 0, accuracy: 0.91, latest: 'ckpt-2.txt' });
    const ref = outputs?.model as { $artifact: string };
    expect(ref.$artifact).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await kernel.cas.read(ref.$artifact)).toString()).toBe('weights');
  });

  it('fails the step with a message naming the metric when a value is NaN', async () => {
    kernel = openKernel();
    const code = 'import sgr_worker\nsgr_worker.log_metric("val_loss", float("nan"), step=1)\n';
    const { runId, state } = await runPlan(kernel, plan({ steps: [{ id: 'bad', skill: 'python', params: { script: script(code) } }] }));
    expect(state).toBe('FAILED');
    expect(kernel.steps(runId)[0]?.error).toMatch(/ValueError: sgr_worker: metric 'val_loss': value must be finite/);
  });

  it('keeps a PYTHONPATH given in the step env, after the SDK', async () => {
    kernel = openKernel();
    const lib = tempDir('sgr-pylib-');
    writeFileSync(join(lib, 'mylib.py'), 'VALUE = 7\n');
    const code = 'import mylib, sgr_worker\nsgr_worker.log_output("v", mylib.VALUE)\n';
    const { runId, state } = await runPlan(kernel, plan({ steps: [{ id: 'p', skill: 'python', params: { script: script(code), env: { PYTHONPATH: lib } } }] }));
    expect(state).toBe('COMPLETED');
    expect(decodeJson<Record<string, unknown>>(kernel.steps(runId)[0]?.outputs_json ?? null, kernel.journal.blobs)).toMatchObject({ v: 7 });
  });

  it('runs outside SGR: every call is a no-op and one warning goes to stderr', () => {
    const file = script(EVERYTHING);
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: SDK };
    delete env.SGR_EVENTS_FILE;
    const r = spawnSync('python3', [file], { cwd: join(file, '..'), env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('done\n');
    expect(r.stderr.match(/SGR_EVENTS_FILE is not set/g)).toHaveLength(1);
  });

  it('the bundled CLI (dist/sgr.mjs) finds the SDK too', async () => {
    const dir = tempDir('sgr-pycli-');
    writeFileSync(join(dir, 'job.py'), 'import sgr_worker\nsgr_worker.log_metric("loss", 0.5, step=1)\n');
    writeFileSync(join(dir, 'experiment.yaml'), 'name: py\nsteps:\n  a:\n    skill: python\n    params: { script: job.py }\n');
    const r = await sgr(tempDir(), ['run', join(dir, 'experiment.yaml')]);
    expect(r.stderr).not.toMatch(/ModuleNotFoundError|SDK not found/);
    expect(r.code).toBe(0);
  });

  it('names the searched paths when the SDK is missing', () => {
    const url = pathToFileURL(join(tempDir(), 'x', 'module.mjs')).href;
    expect(() => findPythonSdkDir(url)).toThrow(/python worker SDK not found: no sgr_worker.py in \/.*sdk\/python, /);
  });

  it.each(['SIGTERM', 'SIGUSR1'] as const)('on %s should_stop() turns true; the loop checkpoints and exits 75', async (signal) => {
    const code = [
      'import sys, time',
      'from sgr_worker import EXIT_PREEMPTED, save_checkpoint, should_stop, log_metric',
      'step = 0',
      'print("ready", flush=True)',
      'while not should_stop():',
      '    step += 1',
      '    time.sleep(0.01)',
      'save_checkpoint("ckpt/%d.pt" % step, step=step)',
      'sys.exit(EXIT_PREEMPTED)',
      '',
    ].join('\n');
    const file = script(code);
    const events = join(tempDir(), 'events.jsonl');
    const child = spawn('python3', [file], { env: { ...process.env, PYTHONPATH: SDK, SGR_EVENTS_FILE: events }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Signal only once the SDK is imported and its handlers are installed.
    await new Promise<void>((res) => child.stdout.once('data', () => res()));
    child.kill(signal);
    const code75 = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(stderr).toBe('');
    expect(code75).toBe(75);
    const lines = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ type: 'checkpoint', path: expect.stringMatching(/^ckpt\/\d+\.pt$/) });
  });
});
