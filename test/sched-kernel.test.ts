/**
 * The scheduler inside one kernel (real SQLite, real local jobs): priority order across
 * runs, per-target and per-run quotas, OOM retries that change the job, poison steps
 * dead-lettered while the rest goes on. Targets come from a real targets.yaml.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchCall } from '../kernel/api/dispatch';
import type { Kernel } from '../kernel/api/kernel';
import type { QueueList } from '../kernel/common/contract-sched';
import { listEvents } from '../kernel/store/events-repo';
import { openKernel, plan, sgr, tempDir, until } from './helpers';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

function home(localResources: string): string {
  const h = tempDir('sgr-sched-');
  writeFileSync(join(h, 'targets.yaml'), `targets:\n  local:\n    kind: local\n    resources: ${localResources}\n`);
  return h;
}

/**
 * A job that logs its start and end (ns) to each of `logs`, sleeping in between; with
 * `gate`, it holds its slot until that file exists (so a test controls when slots free up).
 */
const timed = (id: string, logs: string | string[], extra: Record<string, unknown> = {}, gate?: string) => ({
  id, skill: 'shell', ...extra,
  params: {
    command: `t=$(date +%s%N); for f in $LOGS; do echo "${id} start $t" >> "$f"; done; ${gate ? `while [ ! -e "${gate}" ]; do sleep 0.02; done; ` : ''}sleep 0.4; t=$(date +%s%N); for f in $LOGS; do echo "${id} end $t" >> "$f"; done`,
    env: { LOGS: [logs].flat().join(' ') },
  },
});

/** Start order and the most jobs ever running at once, from a timed log. */
function analyse(log: string): { order: string[]; maxAtOnce: number } {
  const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([id, kind, ns]) => ({ id: id!, kind: kind!, t: BigInt(ns!) }));
  events.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.kind === 'end' ? -1 : 1));
  let now = 0;
  let maxAtOnce = 0;
  for (const e of events) {
    now += e.kind === 'start' ? 1 : -1;
    maxAtOnce = Math.max(maxAtOnce, now);
  }
  return { order: events.filter((e) => e.kind === 'start').map((e) => e.id), maxAtOnce };
}

const queueList = async (k: Kernel): Promise<QueueList> => {
  const r = await dispatchCall(k, 'queue.list', {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value as QueueList;
};

describe('scheduler in one kernel', () => {
  it('admits a later high-priority job before earlier queued low-priority ones (across runs), one slot', async () => {
    const h = home('{ maxJobs: 1 }');
    const log = join(h, 'order.log');
    kernel = openKernel(h);
    const gate = join(h, 'gate');
    const low = kernel.createRun(plan({ concurrency: 4, steps: ['l1', 'l2', 'l3'].map((id) => timed(id, log, {}, gate)) }));
    const lowDone = kernel.execute(low);
    const k = kernel;
    // One of them runs, two wait behind it (which one came first depends on timing): then the urgent run arrives.
    await until('two queued low-priority entries', () => {
      const n = (k.db.prepare("SELECT COUNT(*) AS n FROM sched_queue WHERE state = 'queued'").get() as { n: number }).n;
      return n === 2 ? true : null;
    });
    const q = await queueList(k);
    expect(q.slots.find((s) => s.target === 'local')).toMatchObject({ maxJobs: 1, running: 1, queued: 2 });
    const running = q.entries.filter((e) => e.state === 'running').map((e) => e.stepId);
    const queued = q.entries.filter((e) => e.state === 'queued');
    expect(queued.map((e) => e.waitReason)).toEqual([
      'target local: 1 of 1 job running (maxJobs)',
      'target local: 1 of 1 job running (maxJobs); waiting behind earlier or higher-priority entries',
    ]);
    const high = kernel.createRun(plan({ steps: [timed('urgent', log, { priority: 10 })] }));
    const highDone = kernel.execute(high);
    await until('the urgent entry queued', () => k.db.prepare("SELECT 1 FROM sched_queue WHERE run_id = ? AND state = 'queued'").get(high));
    writeFileSync(gate, '');
    expect(await highDone).toBe('COMPLETED');
    expect(await lowDone).toBe('COMPLETED');
    const { order, maxAtOnce } = analyse(log);
    expect(order).toEqual([...running, 'urgent', ...queued.map((e) => e.stepId)]);
    expect(maxAtOnce).toBe(1);
    expect((await queueList(kernel)).entries).toEqual([]);
  });

  it('never exceeds the target maxJobs nor maxJobsPerRun, and reaches them', async () => {
    const h = home('{ maxJobs: 3, maxJobsPerRun: 2 }');
    const logA = join(h, 'a.log');
    const logAll = join(h, 'all.log');
    kernel = openKernel(h);
    const four = (prefix: string, logs: string[]) => ['1', '2', '3', '4'].map((n) => timed(`${prefix}${n}`, logs));
    const a = kernel.createRun(plan({ concurrency: 8, steps: four('a', [logA, logAll]) }));
    const b = kernel.createRun(plan({ concurrency: 8, steps: four('b', [logAll]) }));
    const states = await Promise.all([kernel.execute(a), kernel.execute(b)]);
    expect(states).toEqual(['COMPLETED', 'COMPLETED']);
    expect(analyse(logA).maxAtOnce).toBe(2); // maxJobsPerRun
    expect(analyse(logAll).maxAtOnce).toBe(3); // maxJobs of the target
  });

  it('caps a run at its concurrency through the scheduler', async () => {
    const h = home('{ maxJobs: 8 }');
    const log = join(h, 'c.log');
    kernel = openKernel(h);
    const id = kernel.createRun(plan({ concurrency: 2, steps: ['c1', 'c2', 'c3', 'c4', 'c5'].map((s) => timed(s, log)) }));
    expect(await kernel.execute(id)).toBe('COMPLETED');
    const { maxAtOnce } = analyse(log);
    expect(maxAtOnce).toBe(2);
  });

  it("counts what the skill itself asks for: train's config.threads are CPUs on the target", async () => {
    const h = home('{ cpus: 2, maxJobs: 4 }');
    kernel = openKernel(h);
    // A user command: no PyTorch needed; the skill turns config.threads into resources.cpus.
    const train = (id: string, threads: number) => ({ id, skill: 'train', params: { mode: 'pretrain', config: { threads }, command: 'true', python: 'python3' } });
    const id = kernel.createRun(plan({ steps: [train('fits', 2), train('too_big', 4)] }));
    expect(await kernel.execute(id)).toBe('FAILED');
    const steps = kernel.steps(id);
    expect(steps.find((s) => s.step_id === 'fits')?.state).toBe('COMPLETED');
    const big = steps.find((s) => s.step_id === 'too_big');
    expect(big).toMatchObject({ state: 'FAILED', failure_class: 'policy' });
    expect(big?.error).toContain('asks for 4 CPUs; target local has 2');
  });

  it('kills a preempted job that ignores SIGTERM after the grace period; the attempt still counts as preempted', async () => {
    const h = home('{ maxJobs: 1 }');
    process.env.SGR_PREEMPT_GRACE_MS = '300';
    try {
      kernel = openKernel(h);
    } finally {
      delete process.env.SGR_PREEMPT_GRACE_MS;
    }
    const k = kernel;
    const mark = join(h, 'ran-once');
    const low = k.createRun(plan({
      steps: [{ id: 'stubborn', skill: 'shell', preemptible: true, retry: { max: 0 }, params: { command: `if [ -e "${mark}" ]; then echo second; exit 0; fi; touch "${mark}"; trap '' TERM; sleep 30 & wait` } }],
    }));
    const lowDone = k.execute(low);
    await until('the stubborn job running', () => (existsSync(mark) ? true : null));
    const high = k.createRun(plan({ steps: [{ id: 'urgent', skill: 'shell', priority: 5, params: { command: 'echo urgent' } }] }));
    expect(await k.execute(high)).toBe('COMPLETED');
    expect(await lowDone).toBe('COMPLETED');
    // SIGKILLed after the grace: nothing of attempt 1's process group is left (sleep 30 ignored SIGTERM).
    const pgid = Number(readFileSync(join(h, 'jobs', `${low}.stubborn.1`, 'pid'), 'utf8').split(' ')[0]);
    const gone = (): boolean => {
      try {
        process.kill(-pgid, 0);
        return false;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'ESRCH';
      }
    };
    expect(await until('the stubborn process group killed', () => (gone() ? true : null), 10_000)).toBe(true);
    expect(k.steps(low)[0]).toMatchObject({ state: 'COMPLETED', attempt: 2 });
    const kinds = listEvents(k.db, low).filter((e) => e.step_id === 'stubborn').map((e) => `${e.kind}@${e.attempt}`);
    expect(kinds).toContain('step.preempted@1');
    expect(kinds.some((x) => x.startsWith('step.failed'))).toBe(false);
  });

  it('backpressure: beyond SGR_QUEUE_MAX waiting entries an attempt waits for room (with a warning), then runs', async () => {
    const h = home('{ maxJobs: 1 }');
    const log = join(h, 'bp.log');
    kernel = openKernel(h);
    const warnings: string[] = [];
    kernel.bus.on('step.warned', (e) => warnings.push(`${e.stepId}: ${e.message}`));
    process.env.SGR_QUEUE_MAX = '1';
    try {
      const gate = join(h, 'gate');
      const id = kernel.createRun(plan({ concurrency: 4, steps: ['q1', 'q2', 'q3', 'q4'].map((s) => timed(s, log, {}, gate)) }));
      const done = kernel.execute(id);
      const k = kernel;
      // One running, one queued: the queue is full, so nothing else enters it.
      await until('a full queue with an attempt waiting for room', () => (warnings.length > 0 ? true : null));
      expect((k.db.prepare("SELECT COUNT(*) AS n FROM sched_queue WHERE state = 'queued'").get() as { n: number }).n).toBe(1);
      writeFileSync(gate, '');
      expect(await done).toBe('COMPLETED');
    } finally {
      delete process.env.SGR_QUEUE_MAX;
    }
    expect(warnings[0]).toMatch(/^q[1-4]: the queue of target local is full \(1 waiting, SGR_QUEUE_MAX\); waiting for room$/);
    const { order, maxAtOnce } = analyse(log);
    expect([...order].sort()).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(maxAtOnce).toBe(1);
  });

  it('retries an OOM with a smaller batch: the dotted param is scaled, floored, and each change journaled', async () => {
    const h = home('{ maxJobs: 2 }');
    kernel = openKernel(h);
    const code = 'import os, sys\nb = int(sys.argv[1])\nprint("batch", b, flush=True)\nif b > 16:\n    os.kill(os.getpid(), 9)\n';
    const runId = kernel.createRun(plan({
      steps: [{ id: 'fit', skill: 'python', params: { code, args: [64] }, retry: { max: 3, backoffMs: 0, oom: { param: 'args.0', paramFactor: 0.5, paramMin: 8 } } }],
    }));
    const warnings: string[] = [];
    kernel.bus.on('step.warned', (e) => warnings.push(e.message));
    expect(await kernel.execute(runId)).toBe('COMPLETED');
    expect(kernel.steps(runId)[0]).toMatchObject({ state: 'COMPLETED', attempt: 3 });
    const adjusted = listEvents(kernel.db, runId).filter((e) => e.kind === 'step.oom_adjusted').map((e) => ({ attempt: e.attempt, ...JSON.parse(e.data_json ?? '{}') }));
    expect(adjusted).toEqual([
      { attempt: 1, param: { path: 'args.0', from: 64, to: 32 }, notes: [] },
      { attempt: 2, param: { path: 'args.0', from: 32, to: 16 }, notes: [] },
    ]);
    expect(readFileSync(join(h, 'jobs', `${runId}.fit.3`, 'stdout.log'), 'utf8')).toBe('batch 16\n');
    expect(warnings).toContain('attempt 1 ran out of memory; attempt 2 runs with params.args.0 64 → 32');
    // Replay re-derives each attempt with the params it really ran with.
    expect(await kernel.replay(runId)).toMatchObject({ identical: true, compared: 1 });
  });

  it('a resumed run keeps the journaled OOM adjustments and takes its step off the dead-letter list', async () => {
    const h = home('{ maxJobs: 2 }');
    kernel = openKernel(h);
    const code = 'import os, sys\nb = int(sys.argv[1])\nprint("batch", b, flush=True)\nif b > 16:\n    os.kill(os.getpid(), 9)\n';
    const runId = kernel.createRun(plan({
      steps: [{ id: 'fit', skill: 'python', params: { code, args: [64] }, retry: { max: 1, backoffMs: 0, oom: { param: 'args.0', paramFactor: 0.5 } } }],
    }));
    // 64 → oom, 32 → oom: out of retries; poison.
    expect(await kernel.execute(runId)).toBe('FAILED');
    expect((await queueList(kernel)).deadLetter.map((d) => [d.stepId, d.attempts, d.failureClass])).toEqual([['fit', 2, 'oom']]);
    // Resume: attempt 3 starts from the adjusted 32 (not the plan's 64), then 16 completes.
    expect(await kernel.execute(runId)).toBe('COMPLETED');
    const batch = (a: number) => readFileSync(join(h, 'jobs', `${runId}.fit.${a}`, 'stdout.log'), 'utf8').trim();
    expect([1, 2, 3, 4].map(batch)).toEqual(['batch 64', 'batch 32', 'batch 32', 'batch 16']);
    expect((await queueList(kernel)).deadLetter).toEqual([]);
  });

  it('retries an OOM with more memory: the next job asks for memoryFactor × memoryMb', async () => {
    const h = home('{ maxJobs: 2 }');
    kernel = openKernel(h);
    const mark = join(h, 'killed-once');
    const runId = kernel.createRun(plan({
      steps: [{
        id: 'big', skill: 'shell', resources: { memoryMb: 512 }, retry: { max: 2, backoffMs: 0, oom: { memoryFactor: 2 } },
        params: { command: `if [ ! -e "${mark}" ]; then touch "${mark}"; kill -9 $$; fi; echo fine` },
      }],
    }));
    expect(await kernel.execute(runId)).toBe('COMPLETED');
    const spec = (a: number) => JSON.parse(readFileSync(join(h, 'jobs', `${runId}.big.${a}`, 'spec.json'), 'utf8')) as { resources?: { memoryMb?: number } };
    expect(spec(1).resources?.memoryMb).toBe(512);
    expect(spec(2).resources?.memoryMb).toBe(1024);
    const failed = kernel.db.prepare("SELECT data_json FROM events WHERE run_id = ? AND kind = 'step.oom_adjusted'").get(runId) as { data_json: string };
    expect(JSON.parse(failed.data_json)).toEqual({ memoryMb: { from: 512, to: 1024 }, notes: [] });
  });

  it('dead-letters a poison step after its attempts while the other steps and runs complete', async () => {
    const h = home('{ maxJobs: 2 }');
    kernel = openKernel(h);
    const runId = kernel.createRun(plan({
      steps: [
        { id: 'poison', skill: 'shell', params: { command: 'echo "bad record" >&2; exit 3' }, retry: { max: 2, backoffMs: 0, on: ['user_error'] } },
        { id: 'fine', skill: 'shell', params: { command: 'sleep 0.3; echo ok' } },
      ],
    }));
    const other = kernel.createRun(plan({ steps: [{ id: 'other', skill: 'shell', params: { command: 'sleep 0.2; echo other' } }] }));
    const [state, otherState] = await Promise.all([kernel.execute(runId), kernel.execute(other)]);
    expect(state).toBe('FAILED');
    expect(otherState).toBe('COMPLETED');
    const steps = Object.fromEntries(kernel.steps(runId).map((s) => [s.step_id, s]));
    expect(steps.fine).toMatchObject({ state: 'COMPLETED' });
    expect(steps.poison).toMatchObject({ state: 'FAILED', attempt: 3 });
    const q = await queueList(kernel);
    expect(q.deadLetter).toEqual([expect.objectContaining({ runId, stepId: 'poison', attempts: 3, failureClass: 'user_error', target: 'local' })]);
    expect(q.deadLetter[0]!.error).toContain('bad record');
    await kernel.close();
    kernel = null;
    const cli = await sgr(h, ['queue', '--dead-letter']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(new RegExp(`${runId}\\s+poison\\s+local\\s+3\\s+user_error`));
    const json = JSON.parse((await sgr(h, ['queue', '--dead-letter', '--json'])).stdout) as Array<{ stepId: string }>;
    expect(json.map((d) => d.stepId)).toEqual(['poison']);
  });
});
