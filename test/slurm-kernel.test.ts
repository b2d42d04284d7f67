/**
 * A Kernel running steps on a Slurm target declared in targets.yaml (login node over a real
 * sshd, real slurmctld/slurmd/slurmdbd): inputs up, logs/metrics/outputs back; `sgr run`
 * killed -9 mid-job and resumed re-attaches to the one Slurm job; and preemption end to end
 * with the reference trainer — TERM, checkpoint, exit 75, requeued as attempt 2 (a new Slurm
 * job) that resumes from the checkpoint step.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { listEvents } from '../kernel/store/events-repo';
import { decodeJson } from '../kernel/store/json-column';
import { ensureCli, openKernel, plan, runPlan, sgr, until } from './helpers';
import { SLURM_START_TIMEOUT_MS } from './services/slurm';
import { slurmOverSsh, type SlurmOverSsh } from './services/slurm/fixture';

let env: SlurmOverSsh;
let kernel: Kernel | null = null;
const homes: string[] = [];

beforeAll(async () => {
  env = await slurmOverSsh();
}, SLURM_START_TIMEOUT_MS);
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});
afterAll(async () => {
  await env?.stop();
  await env?.slurm.stop();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
}, 120_000);

/** A fresh $SGR_HOME whose targets.yaml has `login` (ssh) and `cluster` (slurm through it). */
function slurmHome(): string {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'sgr-slurm-kernel-')));
  homes.push(home);
  const s = env.sshd;
  writeFileSync(join(home, 'targets.yaml'), [
    'targets:',
    `  login: { kind: ssh, host: ${s.host}, port: ${s.port}, user: ${s.user}, key: ${s.keyPath}, knownHosts: ${s.knownHostsPath} }`,
    `  cluster: { kind: slurm, ssh: login, partition: ${env.slurm.partition}, account: ${env.slurm.account}, root: ${join(home, 'cluster-fs')}, signalSeconds: 60 }`,
    '',
  ].join('\n'));
  return home;
}

const outputs = (k: Kernel, runId: string, step: string): Record<string, unknown> =>
  decodeJson<Record<string, unknown>>(k.steps(runId).find((s) => s.step_id === step)?.outputs_json ?? null, k.journal.blobs) ?? {};

const slurmJobs = (namePrefix: string): string[] =>
  execFileSync('squeue', ['-h', '-a', '-t', 'all', '-o', '%j %i'], { env: env.slurm.env, encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith(namePrefix));

describe('kernel on a slurm target (targets.yaml → ssh login → sbatch)', () => {
  it('runs a two-step DAG on the cluster: input artifact uploaded, logs and metrics live, outputs in the CAS', async () => {
    const home = slurmHome();
    kernel = openKernel(home);
    const logs: string[] = [];
    const metrics: number[] = [];
    kernel.bus.on('step.logAppended', (e) => logs.push(e.text));
    kernel.bus.on('step.metricReported', (e) => metrics.push(e.value));
    const { runId, state } = await runPlan(kernel, plan({
      steps: [
        { id: 'make', skill: 'shell', target: 'cluster', params: { command: 'echo "made on slurm job $SLURM_JOB_ID"; echo 21 > n.txt', outputs: { n: 'n.txt' } } },
        {
          id: 'use', skill: 'python', target: 'cluster',
          params: { code: 'import os\nfrom sgr_worker import log_metric, log_output\nn = int(open(os.environ["SGR_INPUT_N"]).read())\nlog_metric("twice", n * 2, step=1)\nlog_output("answer", n * 2)\nprint("python on", os.environ["SLURM_JOB_ID"])\n' },
          inputs: { n: '${steps.make.outputs.n}' },
        },
      ],
    }));
    const failed = kernel.steps(runId).filter((s) => s.state !== 'COMPLETED').map((s) => `${s.step_id}: ${s.error ?? ''}`);
    expect(failed).toEqual([]);
    expect(state).toBe('COMPLETED');
    expect(outputs(kernel, runId, 'use').answer).toBe(42);
    expect(metrics).toContain(42);
    expect(logs.join('')).toMatch(/made on slurm job \d+/);
    expect(logs.join('')).toMatch(/python on \d+/);
    const n = outputs(kernel, runId, 'make').n as { $artifact: string };
    expect((await kernel.cas.read(n.$artifact)).toString()).toBe('21\n');
    expect(slurmJobs(`sgr-${runId}.`)).toHaveLength(2);
  }, 180_000);

  it('`sgr run` killed -9 while its Slurm job runs: `sgr resume` re-attaches, exactly one Slurm job', async () => {
    ensureCli();
    const home = slurmHome();
    const file = join(home, 'experiment.yaml');
    writeFileSync(file, ['version: 1', 'name: slurm-crash', 'steps:', '  s:', '    skill: shell', '    target: cluster', '    params:',
      "      command: 'echo start; sleep 5; echo done > out.txt'", '      outputs: { out: out.txt }', ''].join('\n'));
    const child = spawn(process.execPath, [ensureCli(), 'run', file, '-q'], { env: { ...process.env, SGR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.on('exit', r));
    const runId = await until('the run id', () => (out.includes('\n') ? out.split('\n')[0]! : null), 60_000);
    await until('the Slurm job', () => (slurmJobs(`sgr-${runId}.s.1 `).length > 0 ? true : null), 60_000);
    child.kill('SIGKILL');
    await exited;
    const resumed = await sgr(home, ['resume', runId]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const show = JSON.parse((await sgr(home, ['show', runId, '--json'])).stdout) as { state: string; steps: Array<{ id: string; attempt: number }> };
    expect(show.state).toBe('COMPLETED');
    expect(show.steps[0]!.attempt).toBe(1);
    expect(slurmJobs(`sgr-${runId}.`)).toHaveLength(1);
  }, 180_000);

  it('preemption end to end with the reference trainer: TERM → checkpoint → exit 75 → attempt 2 resumes from the checkpoint step', async () => {
    const home = slurmHome();
    kernel = openKernel(home);
    const TINY = {
      threads: 1,
      model: { d_model: 16, n_layers: 1, n_heads: 2, max_len: 160 },
      pretrain: { steps: 4, batch_size: 4 },
      // Long enough that attempt 1 cannot finish before the test has seen checkpoints and preempted it.
      train: { steps: 3000, batch_size: 4, log_every: 100, eval_every: 10000, checkpoint_every: 5 },
      eval: { limit: 4, max_new_tokens: 8 },
    };
    const runId = kernel.createRun(plan({
      steps: [
        { id: 'data', skill: 'dataset', params: { source: { synthetic: { seed: 1, size: 60 } } } },
        { id: 'cfg', skill: 'config', params: { defaults: TINY, overrides: { rank: 2, lr: 0.01, seed: 3 } } },
        { id: 'pre', skill: 'train', params: { mode: 'pretrain', config: '${steps.cfg.outputs.config}' }, inputs: { train: '${steps.data.outputs.train}', val: '${steps.data.outputs.val}' } },
        {
          id: 'lora', skill: 'train', target: 'cluster', retry: { max: 0 },
          params: { mode: 'lora', config: '${steps.cfg.outputs.config}' },
          inputs: { train: '${steps.data.outputs.train}', val: '${steps.data.outputs.val}', base: '${steps.pre.outputs.model}' },
        },
      ],
    }));
    const done = kernel.execute(runId);
    const jobId = `${runId}.lora.1`;
    const mirror = join(home, 'jobs', 'cluster', jobId);
    // Watched on the cluster's file system itself, not the local mirror: the mirror's polling
    // can lag a loaded machine by seconds, and a late preempt would meet a finished job.
    const remoteEvents = join(home, 'cluster-fs', 'jobs', jobId, 'events.jsonl');
    const checkpoints = (): number => (existsSync(remoteEvents) ? readFileSync(remoteEvents, 'utf8').split('\n').filter((l) => l.includes('"checkpoint"')).length : 0);
    await until('a few checkpoints of attempt 1', () => (checkpoints() >= 3 ? true : null), 150_000);
    // What the scheduler (or a higher-priority Slurm job) does: the warning signal, a grace period.
    await kernel.dispatchers.get('cluster')!.preempt!(jobId, 60_000);

    expect(await done).toBe('COMPLETED');
    const row = kernel.steps(runId).find((s) => s.step_id === 'lora');
    expect(row).toMatchObject({ state: 'COMPLETED', attempt: 2 });
    expect(readFileSync(join(mirror, 'exit'), 'utf8').trim()).toBe('75');
    const second = readFileSync(join(home, 'jobs', 'cluster', `${runId}.lora.2`, 'stdout.log'), 'utf8');
    const resumedAt = Number(/resuming from step (\d+)/.exec(second)?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(15);
    expect(resumedAt).toBeLessThan(3000);
    expect(outputs(kernel, runId, 'lora')).toMatchObject({ exitCode: 0, steps: 3000, adapter: { name: 'adapter.safetensors' } });
    const events = listEvents(kernel.db, runId).filter((e) => e.step_id === 'lora').map((e) => `${e.kind}@${e.attempt}`);
    expect(events).toContain('step.preempted@1');
    expect(events).toContain('step.completed@2');
    // Two Slurm jobs: the preempted attempt and its requeue.
    const jobs = slurmJobs(`sgr-${runId}.lora.`).map((l) => l.split(' ')[0]).sort();
    expect(jobs).toEqual([`sgr-${runId}.lora.1`, `sgr-${runId}.lora.2`]);
  }, 300_000);
});
