/**
 * The Slurm dispatcher against a real single-node cluster, over a real sshd: submit, logs,
 * events, outputs, exit codes, sacct-based completion, cancel, preemption signal, Slurm's
 * time-limit warning, re-attach from a new dispatcher, and exactly one Slurm job when the
 * submitter died between sbatch and recording the job id.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalShell } from '../kernel/dispatch/remote/local-shell';
import { prepareJob } from '../kernel/dispatch/remote/prepare';
import { SlurmDispatcher } from '../kernel/dispatch/slurm';
import { renderBatchScript } from '../kernel/dispatch/slurm/batch-script';
import type { JobListener, JobSpec, ProtocolEvent } from '../kernel/dispatch/types';
import { SLURM_START_TIMEOUT_MS } from './services/slurm';
import { slurmOverSsh, type SlurmOverSsh } from './services/slurm/fixture';
import { until as untilHelper } from './helpers';

/** squeue runs on every check: look every 200 ms. */
const until = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<true> => untilHelper(what, check, timeoutMs, 200);

let env: SlurmOverSsh;
let home: string;
const open: SlurmDispatcher[] = [];

beforeAll(async () => {
  env = await slurmOverSsh();
  home = realpathSync(mkdtempSync(join(tmpdir(), 'sgr-slurm-home-')));
}, SLURM_START_TIMEOUT_MS);
afterAll(async () => {
  for (const d of open) await d.close();
  await env?.stop();
  await env?.slurm.stop();
  rmSync(home, { recursive: true, force: true });
}, 120_000);

function dispatcher(extra: Parameters<SlurmOverSsh['target']>[0] = {}, root?: string): SlurmDispatcher {
  const target = env.target(root ? { ...extra, root } : extra);
  const d = new SlurmDispatcher('cluster', target, env.context(home), { pollMs: 300 });
  open.push(d);
  return d;
}

function spec(jobId: string, script: string, extra: Partial<JobSpec> = {}): JobSpec {
  const cwd = join(home, 'work', jobId);
  mkdirSync(cwd, { recursive: true });
  return { jobId, runId: 'r1', stepId: jobId.split('.')[1] ?? 's', attempt: 1, argv: ['/bin/sh', '-c', script], env: {}, cwd, timeoutMs: 0, outputs: {}, ...extra };
}

function recorder(): JobListener & { stdout: string; stderr: string; events: ProtocolEvent[] } {
  const r = { stdout: '', stderr: '', events: [] as ProtocolEvent[] };
  return Object.assign(r, {
    onLog: (s: 'stdout' | 'stderr', chunk: string) => void (r[s] += chunk),
    onEvent: (e: ProtocolEvent) => void r.events.push(e),
  });
}

const squeueNames = (name: string): string[] =>
  execFileSync('squeue', ['-h', '-a', '-t', 'all', '-o', '%i', `--name=${name}`], { env: env.slurm.env, encoding: 'utf8' }).split('\n').filter(Boolean);

/** sacct's `State|ExitCode` once slurmdbd has the end of the job (it lags the controller a little). */
async function sacctFinal(id: string): Promise<string> {
  let row = '';
  await until(`sacct to record the end of job ${id}`, () => {
    row = execFileSync('sacct', ['-X', '-n', '-P', '-o', 'State,ExitCode', '-j', id], { env: env.slurm.env, encoding: 'utf8' }).trim();
    return row !== '' && !/^(PENDING|RUNNING|REQUEUED)/.test(row);
  }, 30_000);
  return row;
}

describe('slurm dispatcher (real slurmctld/slurmd/slurmdbd, through sshd)', () => {
  it('runs a job: live logs and events, declared outputs and artifacts downloaded, exit code from the job', async () => {
    const d = dispatcher();
    const rec = recorder();
    const s = spec('r1.hello.1', [
      'echo "hello from $SLURM_JOB_ID on $(hostname)"',
      'echo oops >&2',
      'printf \'{"type":"metric","name":"loss","value":0.5,"step":1}\\n\' >>"$SGR_EVENTS_FILE"',
      'mkdir -p out && echo result >out/a.txt && echo extra >b.txt',
      'printf \'{"type":"artifact","path":"%s/b.txt","name":"extra"}\\n\' "$PWD" >>"$SGR_EVENTS_FILE"',
      'exit 3',
    ].join('\n'), { outputs: { a: 'out/a.txt', gone: 'nope.txt' } });
    const submitted = await d.submit(s, rec);
    expect(submitted.nativeId).toMatch(/^\d+$/);
    const final = await d.wait(s.jobId);
    expect(final).toMatchObject({ phase: 'exited', exitCode: 3, nativeId: submitted.nativeId });
    expect(rec.stdout).toMatch(new RegExp(`^hello from ${submitted.nativeId} on `));
    expect(rec.stderr).toBe('oops\n');
    expect(rec.events).toContainEqual({ type: 'metric', name: 'loss', value: 0.5, step: 1 });
    const result = await d.collect(s.jobId);
    expect(result.exitCode).toBe(3);
    expect(result.files.a).toBe(join(s.cwd, 'out', 'a.txt'));
    expect(readFileSync(result.files.a!, 'utf8')).toBe('result\n');
    expect(readFileSync(result.files.extra!, 'utf8')).toBe('extra\n');
    expect(result.missing).toEqual(['gone']);
    expect(result.stderrTail).toBe('oops\n');
    // sacct (slurmdbd) has the job too, with the batch script's exit code.
    expect(await sacctFinal(submitted.nativeId!)).toBe('FAILED|3:0');
    expect((await d.readLog(s.jobId, 'stdout', 0, 1000)).data).toBe(rec.stdout);
  }, 120_000);

  it('maps resources to sbatch options: --cpus-per-task, --mem, --gres=gpu, account and partition', async () => {
    const d = dispatcher({ defaults: { memoryMb: 100, time: 5 } });
    const s = spec('r1.res.1', 'echo "cpus=$SLURM_CPUS_PER_TASK mem=$SLURM_MEM_PER_NODE gpus=$CUDA_VISIBLE_DEVICES"', { resources: { cpus: 2, gpus: 1 } });
    await d.submit(s);
    const final = await d.wait(s.jobId);
    expect(final.exitCode).toBe(0);
    expect((await d.readLog(s.jobId, 'stdout', 0, 1000)).data).toBe('cpus=2 mem=100 gpus=0\n');
    // scontrol (sacct may not have the allocation's details yet right after the end).
    const job = execFileSync('scontrol', ['show', 'job', '-o', final.nativeId!], { env: env.slurm.env, encoding: 'utf8' });
    expect(job).toMatch(/ Account=sgr /);
    expect(job).toMatch(/ Partition=debug /);
    expect(job).toMatch(/ TimeLimit=00:05:00 /);
    expect(job).toMatch(/ TRES=\S*gres\/gpu=1/);
  }, 120_000);

  it('cancel: scancel ends the job, killedBy cancel', async () => {
    const d = dispatcher();
    const s = spec('r1.cancel.1', 'echo started; sleep 300');
    await d.submit(s);
    await until('the job to run', async () => (await d.readLog(s.jobId, 'stdout', 0, 100)).data === 'started\n');
    await d.cancel(s.jobId, 'cancel');
    const final = await d.wait(s.jobId);
    expect(final).toMatchObject({ phase: 'exited', killedBy: 'cancel' });
    expect(await sacctFinal(final.nativeId!)).toMatch(/^CANCELLED/);
  }, 120_000);

  it('preempt: the job gets TERM, checkpoints and exits 75; not a cancel', async () => {
    const d = dispatcher();
    const s = spec('r1.pre.1', 'trap \'echo got TERM; exit 75\' TERM; echo ready; while :; do sleep 0.1; done');
    await d.submit(s);
    await until('the job to run', async () => (await d.readLog(s.jobId, 'stdout', 0, 100)).data === 'ready\n');
    await d.preempt!(s.jobId, 30_000);
    const final = await d.wait(s.jobId);
    expect(final).toMatchObject({ phase: 'exited', exitCode: 75 });
    expect(final.killedBy).toBeUndefined();
    expect((await d.readLog(s.jobId, 'stdout', 0, 100)).data).toBe('ready\ngot TERM\n');
  }, 120_000);

  it("Slurm's own warning before the time limit (--signal=B:TERM@60, --time=1) reaches the job", async () => {
    const d = dispatcher({ signalSeconds: 60, defaults: { time: 1 } });
    const s = spec('r1.warn.1', 'trap \'echo warned; exit 75\' TERM; echo ready; while :; do sleep 0.1; done');
    await d.submit(s);
    const final = await d.wait(s.jobId);
    expect(final).toMatchObject({ phase: 'exited', exitCode: 75 });
    expect((await d.readLog(s.jobId, 'stdout', 0, 100)).data).toBe('ready\nwarned\n');
  }, 150_000);

  it('re-attaches: a new dispatcher (a restarted kernel) follows a running job to its end, logs complete', async () => {
    const first = dispatcher();
    const root = first.target.root!;
    const s = spec('r1.reattach.1', 'echo one; sleep 3; echo two');
    const submitted = await first.submit(s);
    await until('the first line', async () => (await first.readLog(s.jobId, 'stdout', 0, 100)).data === 'one\n');
    await first.close();
    const second = dispatcher({}, root);
    // status() of a job this dispatcher never saw: from the mirror's Slurm id and scontrol.
    expect(await second.status(s.jobId)).toEqual({ jobId: s.jobId, phase: 'running', nativeId: submitted.nativeId });
    const rec = recorder();
    const again = await second.submit(s, rec);
    expect(again.nativeId).toBe(submitted.nativeId);
    const final = await second.wait(s.jobId);
    expect(final).toMatchObject({ phase: 'exited', exitCode: 0, nativeId: submitted.nativeId });
    expect(rec.stdout).toBe('two\n');
    expect((await second.readLog(s.jobId, 'stdout', 0, 100)).data).toBe('one\ntwo\n');
    expect(squeueNames(`sgr-${s.jobId}`)).toEqual([submitted.nativeId]);
  }, 120_000);

  /** What a kernel killed -9 right after sbatch leaves: the job directory and a submitted Slurm job, no recorded id. */
  async function orphanSubmit(d: SlurmDispatcher, s: JobSpec): Promise<string> {
    // The same steps as the dispatcher's start, minus recording the id.
    const prepared = await prepareJob(new LocalShell(), d.target.root!, s, { timeoutMs: 0, graceMs: 5000 }, join(home, `scratch-${s.jobId}`));
    const layout = prepared.layout;
    writeFileSync(join(layout.paths.dir, 'job.sbatch'), renderBatchScript(prepared.remote, d.target, layout.paths));
    return execFileSync('sbatch', ['--parsable', join(layout.paths.dir, 'job.sbatch')], { env: env.slurm.env, encoding: 'utf8' }).trim();
  }

  it('exactly one Slurm job when the submitter died after sbatch but before recording the job id', async () => {
    const d = dispatcher();
    const s = spec('r1.once.1', 'echo only once; sleep 2');
    const orphan = await orphanSubmit(d, s);
    const status = await d.submit(s);
    expect(status.nativeId).toBe(orphan);
    const final = await d.wait(s.jobId);
    expect(final.exitCode).toBe(0);
    expect(squeueNames(`sgr-${s.jobId}`)).toEqual([orphan]);
    expect((await d.readLog(s.jobId, 'stdout', 0, 100)).data).toBe('only once\n');
  }, 120_000);

  it('… and when that orphan job has already ended (found in the controller: slurmdbd may not have it yet)', async () => {
    const d = dispatcher();
    const s = spec('r1.once2.1', 'echo done before the restart');
    const orphan = await orphanSubmit(d, s);
    await sacctFinal(orphan);
    // Without the id the batch script recorded at its start, only Slurm itself can answer.
    rmSync(join(d.target.root!, 'jobs', s.jobId, 'runs'));
    const status = await d.submit(s);
    expect(status.nativeId).toBe(orphan);
    expect(await d.wait(s.jobId)).toMatchObject({ phase: 'exited', exitCode: 0, nativeId: orphan });
    expect(squeueNames(`sgr-${s.jobId}`)).toEqual([orphan]);
    expect((await d.readLog(s.jobId, 'stdout', 0, 100)).data).toBe('done before the restart\n');
  }, 120_000);

  it('a step timeout cancels through scancel: killedBy timeout', async () => {
    const d = dispatcher();
    const s = spec('r1.slow.1', 'echo started; sleep 300', { timeoutMs: 4000 });
    await d.submit(s);
    const final = await d.wait(s.jobId);
    expect(final).toMatchObject({ phase: 'exited', killedBy: 'timeout' });
    expect((await d.collect(s.jobId)).killedBy).toBe('timeout');
  }, 120_000);

  it('a job Slurm requeues itself (scontrol requeue) runs again under the same Slurm id and ends once', async () => {
    const d = dispatcher();
    const s = spec('r1.requeue.1', 'echo "run $SLURM_RESTART_COUNT"; [ "${SLURM_RESTART_COUNT:-0}" -ge 1 ] || sleep 300');
    const submitted = await d.submit(s);
    await until('the first run', async () => (await d.readLog(s.jobId, 'stdout', 0, 100)).data !== '');
    execFileSync('scontrol', ['requeue', submitted.nativeId!], { env: env.slurm.env });
    // A requeued job is held back (BeginTime) for a while; let it start at once.
    await until('the requeue', async () => /JobState=PENDING/.test(execFileSync('scontrol', ['show', 'job', submitted.nativeId!], { env: env.slurm.env, encoding: 'utf8' })));
    execFileSync('scontrol', ['update', `JobId=${submitted.nativeId!}`, 'StartTime=now'], { env: env.slurm.env });
    const final = await d.wait(s.jobId);
    expect(final).toMatchObject({ phase: 'exited', exitCode: 0, nativeId: submitted.nativeId });
    expect((await d.readLog(s.jobId, 'stdout', 0, 100)).data).toBe('run \nrun 1\n');
  }, 180_000);

  it('keeps following a job when the ssh connection is killed mid-job: logs complete, exit code right', async () => {
    const d = dispatcher();
    const s = spec('r1.drop.1', 'for i in 1 2 3 4 5 6; do echo line $i; sleep 0.5; done; exit 4');
    await d.submit(s);
    await until('the first line', async () => (await d.readLog(s.jobId, 'stdout', 0, 100)).data.startsWith('line 1'));
    expect(env.sshd.killConnections()).toBeGreaterThan(0);
    const final = await d.wait(s.jobId);
    expect(final.exitCode).toBe(4);
    expect((await d.readLog(s.jobId, 'stdout', 0, 1000)).data).toBe([1, 2, 3, 4, 5, 6].map((i) => `line ${i}\n`).join(''));
  }, 120_000);

  it('a job over its --mem is oomKilled (OUT_OF_MEMORY, or killed by accounting with slurmstepd\'s message)', async () => {
    const d = dispatcher();
    const s = spec('r1.oom.1', 'exec python3 -c "import time\nx = []\nwhile True:\n    x.append(bytearray(20 * 2**20))\n    time.sleep(0.05)"', { resources: { memoryMb: 100 } });
    await d.submit(s);
    const final = await d.wait(s.jobId);
    expect(final).toMatchObject({ phase: 'exited', oomKilled: true });
    expect((await d.collect(s.jobId)).oomKilled).toBe(true);
  }, 120_000);

  it('cancel while pending: the job never starts', async () => {
    const d = dispatcher();
    // The first job takes every CPU of the node, so the second one waits in the queue.
    const hog = spec('r1.hog.1', 'echo hogging; sleep 120', { resources: { cpus: Number(execFileSync('nproc', { encoding: 'utf8' })) } });
    await d.submit(hog);
    await until('the hog to run', async () => (await d.readLog(hog.jobId, 'stdout', 0, 100)).data === 'hogging\n');
    const s = spec('r1.waiting.1', 'echo should never run');
    expect((await d.submit(s)).phase).toBe('queued');
    await d.cancel(s.jobId, 'cancel');
    const final = await d.wait(s.jobId);
    expect(final).toMatchObject({ phase: 'exited', killedBy: 'cancel' });
    expect((await d.readLog(s.jobId, 'stdout', 0, 100)).data).toBe('');
    await d.cancel(hog.jobId, 'cancel');
    expect((await d.wait(hog.jobId)).killedBy).toBe('cancel');
  }, 120_000);

  it('without `ssh:` the Slurm commands run on this machine (LocalShell)', async () => {
    // This test process is the "login node": its environment names the cluster's config.
    process.env.SLURM_CONF = env.slurm.conf;
    const d = dispatcher({ ssh: undefined });
    const s = spec('r1.local.1', 'echo "local submit, job $SLURM_JOB_ID"');
    await d.submit(s);
    const final = await d.wait(s.jobId);
    expect(final.exitCode).toBe(0);
    expect((await d.readLog(s.jobId, 'stdout', 0, 100)).data).toBe(`local submit, job ${final.nativeId}\n`);
  }, 120_000);

  it('probe: Slurm version, partition, node CPUs, memory and GPUs', async () => {
    const p = await dispatcher().probe!();
    expect(p.ok).toBe(true);
    expect(p.details.version).toMatch(/^slurm/);
    expect(p.details.partition).toBe('debug');
    expect(p.resources?.gpus).toHaveLength(env.slurm.gpus);
    expect(p.resources?.cpus).toBeGreaterThan(0);
  }, 60_000);
});
