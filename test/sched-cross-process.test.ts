/**
 * The scheduler across processes on one $SGR_HOME (real `sgr` processes, one SQLite file):
 * two `sgr run`s share a target's slots, and a queued entry survives its process being
 * killed — `sgr resume` takes it over in place (same arrival order) and finishes the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QueueList } from '../kernel/common/contract-sched';
import { ensureCli, openKernel, plan, ROOT, sgr, tempDir, until } from './helpers';

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
});
beforeAll(() => {
  ensureCli();
});

function home(): string {
  const h = tempDir('sgr-sched-x-');
  writeFileSync(join(h, 'targets.yaml'), 'targets:\n  local:\n    kind: local\n    resources: { maxJobs: 1 }\n');
  return h;
}

/** Shell steps that log their start and end; one with `gate` holds its slot until that file exists. */
function experiment(h: string, name: string, steps: Array<{ id: string; seconds: number; gate?: string }>): string {
  const file = join(h, `${name}.yaml`);
  const lines = ['version: 1', `name: ${name}`, 'concurrency: 4', 'steps:'];
  for (const s of steps) {
    lines.push(`  ${s.id}:`, '    skill: shell', '    params:',
      `      command: 't=$(date +%s%N); echo "${s.id} start $t" >> "${join(h, 'times.log')}"; ${s.gate ? `while [ ! -e ${s.gate} ]; do sleep 0.05; done; ` : ''}sleep ${s.seconds}; t=$(date +%s%N); echo "${s.id} end $t" >> "${join(h, 'times.log')}"'`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Starts `sgr run`; resolves the run id (first stdout line) and the exit. */
function start(h: string, args: string[]): { child: ChildProcess; runId: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [ensureCli(), ...args, '-q'], { cwd: ROOT, env: { ...process.env, SGR_HOME: h }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  const runId = new Promise<string>((resolve) => child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('\n')) resolve(out.split('\n')[0]!);
  }));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, runId, exit };
}

interface Row { job_key: string; run_id: string; state: string; owner: string; seq: number; enqueued_at: number }
const rows = (h: string): Row[] => {
  let db: Database.Database | null = null;
  try {
    db = new Database(join(h, 'journal.db'), { readonly: true, fileMustExist: true });
    return db.prepare('SELECT job_key, run_id, state, owner, seq, enqueued_at FROM sched_queue ORDER BY seq').all() as Row[];
  } catch {
    return []; // not created or not migrated yet
  } finally {
    db?.close();
  }
};

function maxAtOnce(h: string): { starts: string[]; max: number } {
  const ev = readFileSync(join(h, 'times.log'), 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([id, kind, ns]) => ({ id: id!, kind: kind!, t: BigInt(ns!) }));
  ev.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.kind === 'end' ? -1 : 1));
  let now = 0;
  let max = 0;
  for (const e of ev) max = Math.max(max, (now += e.kind === 'start' ? 1 : -1));
  return { starts: ev.filter((e) => e.kind === 'start').map((e) => e.id), max };
}

describe('scheduler across processes', () => {
  it('two `sgr run`s on one home share the target slot: never two jobs at once', async () => {
    const h = home();
    const gate = join(h, 'gate');
    // Whichever job gets the slot first holds it until both processes have entries queued.
    const a = start(h, ['run', experiment(h, 'a', [{ id: 'a1', seconds: 0.3, gate }, { id: 'a2', seconds: 0.3, gate }])]);
    const b = start(h, ['run', experiment(h, 'b', [{ id: 'b1', seconds: 0.3, gate }, { id: 'b2', seconds: 0.3, gate }])]);
    const owners = await until('entries of two processes at once', () => {
      const o = new Set(rows(h).map((r) => r.owner));
      return o.size === 2 ? o : null;
    });
    expect(owners.size).toBe(2);
    writeFileSync(gate, '');
    expect(await a.exit).toBe(0);
    expect(await b.exit).toBe(0);
    const { starts, max } = maxAtOnce(h);
    expect(starts.sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(max).toBe(1);
  }, 60_000);

  it('a queued entry survives its process being killed; `sgr resume` takes it over in place', async () => {
    const h = home();
    const gate = join(h, 'gate');
    // The blocker holds the one slot until the test opens the gate.
    const blocker = start(h, ['run', experiment(h, 'blocker', [{ id: 'long', seconds: 0.1, gate }])]);
    const blockerRun = await blocker.runId;
    await until('the blocker running', () => rows(h).some((r) => r.run_id === blockerRun && r.state === 'running'));
    const waiter = start(h, ['run', experiment(h, 'waiter', [{ id: 'quick', seconds: 0.1 }])]);
    const runId = await waiter.runId;
    const queued = await until('the waiter queued', () => rows(h).find((r) => r.run_id === runId && r.state === 'queued'));
    waiter.child.kill('SIGKILL');
    await waiter.exit;

    // Still there, not holding a slot; the queue says how to continue.
    const shown = JSON.parse((await sgr(h, ['queue', '--json'])).stdout) as QueueList;
    const entry = shown.entries.find((e) => e.runId === runId);
    expect(entry).toMatchObject({ jobKey: queued.job_key, state: 'queued', enqueuedAt: queued.enqueued_at });
    expect(entry?.waitReason).toMatch(new RegExp(`is gone; \`sgr resume ${runId}\` takes it over in place`));

    const text = await sgr(h, ['queue']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^local\s+1\s+0\/1000\s+1\s/m); // the dead process's entry holds nothing
    expect(text.stdout).toMatch(new RegExp(`^${blockerRun}\\.long\\.1\\s+local\\s+0\\s+running`, 'm'));
    expect(text.stdout).toMatch(new RegExp(`^${runId}\\.quick\\.1\\s+local\\s+0\\s+queued\\s+\\S+\\s+its process \\(pid \\d+ on`, 'm'));

    const resumed = start(h, ['resume', runId]);
    const adopted = await until('the entry taken over by the resuming process', () => rows(h).find((r) => r.run_id === runId && r.owner !== queued.owner));
    // Same row, same place in line: the blocker still holds the one slot.
    expect(adopted).toMatchObject({ job_key: queued.job_key, seq: queued.seq, enqueued_at: queued.enqueued_at, state: 'queued' });
    writeFileSync(gate, '');
    expect(await resumed.exit).toBe(0);
    expect(await blocker.exit).toBe(0);
    const show = JSON.parse((await sgr(h, ['show', runId, '--json'])).stdout) as { state: string; steps: Array<{ attempt: number }> };
    expect(show.state).toBe('COMPLETED');
    expect(show.steps[0]!.attempt).toBe(1);
    expect(maxAtOnce(h)).toEqual({ starts: ['long', 'quick'], max: 1 });
    expect(rows(h)).toEqual([]);
  }, 60_000);

  it('preempts a victim running in another process through its queue row; it checkpoints, exits 75 and resumes', async () => {
    const h = home();
    // A worker-SDK loop: a checkpoint per step; on SIGTERM it stops at the next step with exit 75.
    const code = [
      'import json, os, sys, time',
      'from sgr_worker import EXIT_PREEMPTED, latest_checkpoint, save_checkpoint, should_stop',
      'path = os.path.join(os.environ["SGR_CHECKPOINT_DIR"], "state.json")',
      'start = 0',
      'if latest_checkpoint():',
      '    start = json.load(open(latest_checkpoint()))["i"]',
      'print("start", start, flush=True)',
      'for i in range(start, 400):',
      '    json.dump({"i": i + 1}, open(path + ".tmp", "w"))',
      '    os.replace(path + ".tmp", path)',
      '    save_checkpoint(path, step=i + 1)',
      '    if should_stop():',
      '        sys.exit(EXIT_PREEMPTED)',
      '    time.sleep(0.02)',
    ].join('\n');
    const file = join(h, 'low.yaml');
    writeFileSync(file, JSON.stringify({ version: 1, name: 'low', steps: { work: { skill: 'python', preemptible: true, priority: 0, retry: { max: 0 }, params: { code } } } }));
    const low = start(h, ['run', file]);
    const lowRun = await low.runId;
    const first = join(h, 'jobs', `${lowRun}.work.1`);
    const checkpoints = (): string[] => (existsSync(join(first, 'events.jsonl')) ? readFileSync(join(first, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"checkpoint"')) : []);
    await until('a few checkpoints in the other process', () => checkpoints().length >= 3);

    // This process (a second kernel on the same home) brings the urgent job.
    const kernel = openKernel(h);
    try {
      const high = kernel.createRun(plan({ steps: [{ id: 'urgent', skill: 'shell', priority: 10, params: { command: 'echo urgent' } }] }));
      expect(await kernel.execute(high)).toBe('COMPLETED');
      expect(await low.exit).toBe(0);
      expect(readFileSync(join(first, 'exit'), 'utf8').trim()).toBe('75');
      const last = JSON.parse(checkpoints().at(-1)!) as { step: number };
      const second = join(h, 'jobs', `${lowRun}.work.2`);
      expect(readFileSync(join(second, 'stdout.log'), 'utf8')).toMatch(new RegExp(`^start ${last.step}$`, 'm'));
      const mtime = (f: string): number => statSync(f).mtimeMs;
      expect(mtime(join(h, 'jobs', `${high}.urgent.1`, 'exit'))).toBeLessThanOrEqual(mtime(join(second, 'pid')));
    } finally {
      await kernel.close();
    }
    const show = JSON.parse((await sgr(h, ['show', lowRun, '--json'])).stdout) as { state: string; steps: Array<{ attempt: number; preemptions: number }> };
    expect(show).toMatchObject({ state: 'COMPLETED', steps: [{ attempt: 2, preemptions: 1 }] });
  }, 90_000);
});
