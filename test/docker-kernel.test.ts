/**
 * A real Kernel running steps on a docker target declared in targets.yaml (real private
 * dockerd, busybox image): logs, metrics, inputs and outputs through the CAS, exit codes;
 * OOM classified `oom` and retried with more memory; `sgr run` killed -9 mid-job, and
 * killed -9 right after creating its container, both re-attach on `sgr resume` — exactly
 * one container is ever created and started for the job.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { listEvents } from '../kernel/store/events-repo';
import { decodeJson } from '../kernel/store/json-column';
import { ensureCli, openKernel, plan, runPlan, sgr, tempDir, until } from './helpers';
import { requireDocker, sharedDockerd } from './services/dockerd';
import { containerEvents, dockerEnv, type DockerEnv } from './docker-support';

let env: DockerEnv;
let kernel: Kernel | null = null;

/** A fresh $SGR_HOME whose targets.yaml declares `box` on the private daemon. */
function dockerHome(): string {
  const home = tempDir('sgr-docker-kernel-');
  writeFileSync(join(home, 'targets.yaml'), `targets:\n  box: { kind: docker, socket: "unix://${env.daemon.socket}", image: "${env.busybox}" }\n`);
  return home;
}

const outputs = (k: Kernel, runId: string, step: string): Record<string, unknown> =>
  decodeJson<Record<string, unknown>>(k.steps(runId).find((s) => s.step_id === step)?.outputs_json ?? null, k.journal.blobs) ?? {};

const homes = new Map<string, string>();
/** The job dir of a job started by runAndKill (known once the run id is printed). */
const home_ = (jobId: string): string => join(homes.get(jobId.split('.')[0]!) ?? '/nonexistent', 'jobs', 'box', jobId);

/** `sgr run` of a one-step experiment on `box`, SIGKILLed as soon as `ready(jobId)` holds. */
async function runAndKill(command: string, ready: (jobId: string) => Promise<boolean>): Promise<{ home: string; runId: string; jobId: string; since: number }> {
  const home = dockerHome();
  const file = join(home, 'experiment.yaml');
  writeFileSync(file, ['version: 1', 'name: docker-crash', 'steps:', '  s:', '    skill: shell', '    target: box', '    params:',
    `      command: '${command}'`, '      outputs: { out: out.txt }', ''].join('\n'));
  const since = Math.floor(Date.now() / 1000) - 1;
  const child = spawn(process.execPath, [ensureCli(), 'run', file, '-q'], { env: { ...process.env, SGR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => child.on('exit', r));
  const runId = await until('the run id', async () => (out.includes('\n') ? out.split('\n')[0]! : null));
  homes.set(runId, home);
  const jobId = `${runId}.s.1`;
  await until(`the kill moment of ${jobId}`, async () => ((await ready(jobId).catch(() => false)) ? true : null));
  child.kill('SIGKILL');
  await exited;
  return { home, runId, jobId, since };
}

async function resumeCompletes(home: string, runId: string): Promise<void> {
  const resumed = await sgr(home, ['resume', runId]);
  expect(resumed.code, resumed.stderr).toBe(0);
  const show = JSON.parse((await sgr(home, ['show', runId, '--json'])).stdout) as { state: string; steps: Array<{ attempt: number }> };
  expect(show.state).toBe('COMPLETED');
  expect(show.steps[0]!.attempt).toBe(1);
}

describe.runIf(requireDocker())('kernel on a docker target (targets.yaml)', () => {
  beforeAll(async () => {
    env = await dockerEnv(await sharedDockerd());
  });
  afterEach(async () => {
    await kernel?.close();
    kernel = null;
  });
  afterAll(async () => {
    await env?.daemon.dispose();
  });

  it('runs a two-step DAG in containers: logs and metrics live, input artifact in, outputs in the CAS, exit code', async () => {
    kernel = openKernel(dockerHome());
    const logs: string[] = [];
    const metrics: number[] = [];
    kernel.bus.on('step.logAppended', (e) => logs.push(e.text));
    kernel.bus.on('step.metricReported', (e) => metrics.push(e.value));
    const make = `echo "made in $(hostname)"; echo '{"type":"metric","name":"n","value":21}' >> "$SGR_EVENTS_FILE"; echo 21 > n.txt`;
    const use = 'n=$(cat "$SGR_INPUT_N"); echo $((n * 2)) > twice.txt; echo used >&2';
    const { runId, state } = await runPlan(kernel, plan({
      steps: [
        { id: 'make', skill: 'shell', target: 'box', params: { command: make, outputs: { n: 'n.txt' } } },
        { id: 'use', skill: 'shell', target: 'box', params: { command: use, outputs: { twice: 'twice.txt' } }, inputs: { n: '${steps.make.outputs.n}' } },
        { id: 'bad', skill: 'shell', target: 'box', params: { command: 'echo failing >&2; exit 7' } },
      ],
    }));
    expect(state).toBe('FAILED');
    const rows = Object.fromEntries(kernel.steps(runId).map((s) => [s.step_id, s]));
    expect(rows.make!.state).toBe('COMPLETED');
    expect(rows.use!.state).toBe('COMPLETED');
    expect(rows.bad!.state).toBe('FAILED');
    expect(rows.bad!.error).toMatch(/exit.* 7|7.*exit/i);
    expect(metrics).toEqual([21]);
    expect(logs.join('')).toMatch(/made in [0-9a-f]{12}\n/);
    expect(logs.join('')).toContain('used\n');
    const twice = outputs(kernel, runId, 'use').twice as { $artifact: string };
    expect((await kernel.cas.read(twice.$artifact)).toString()).toBe('42\n');
  });

  it('OOM: killed at --memory 32m, classified oom, retried with 8× the memory and completed', async () => {
    kernel = openKernel(dockerHome());
    const { runId, state } = await runPlan(kernel, plan({
      steps: [{
        id: 'hog', skill: 'shell', target: 'box', resources: { memoryMb: 32 },
        retry: { max: 1, backoffMs: 0, on: ['oom'], oom: { memoryFactor: 8 } },
        params: { command: 'dd if=/dev/zero of=/dev/null bs=96M count=1 && echo survived' },
      }],
    }));
    expect(state).toBe('COMPLETED');
    expect(kernel.steps(runId)[0]).toMatchObject({ state: 'COMPLETED', attempt: 2 });
    const first = listEvents(kernel.db, runId).filter((e) => e.attempt === 1 && e.step_id === 'hog');
    expect(first.map((e) => e.data_json ?? '').join(' ')).toContain('"failureClass":"oom"');
  });

  it('`sgr run` killed -9 as soon as its container exists: `sgr resume` finds it — exactly one container', async () => {
    const { home, runId, jobId, since } = await runAndKill('echo start; sleep 1; echo done > out.txt', async (jobId) =>
      // Created (maybe not yet started, certainly not yet recorded as done): kill the kernel now.
      (await env.docker.listContainers({ all: true, filters: { label: [`sgr.job=${jobId}`] } })).length > 0);
    await resumeCompletes(home, runId);
    expect(await containerEvents(env.docker, jobId, since)).toEqual({ create: 1, start: 1 });
  });

  it('a kernel restarted mid-job re-attaches to the running container: one container, logs neither lost nor doubled', async () => {
    const { home, runId, jobId, since } = await runAndKill('echo one; sleep 2; echo two; echo ok > out.txt', async (jobId) =>
      readFileSync(join(home_(jobId), 'stdout.log'), 'utf8').includes('one'));
    await resumeCompletes(home, runId);
    expect(readFileSync(join(home, 'jobs', 'box', jobId, 'stdout.log'), 'utf8')).toBe('one\ntwo\n');
    expect(await containerEvents(env.docker, jobId, since)).toEqual({ create: 1, start: 1 });
  });
});
