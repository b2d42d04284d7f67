/**
 * Cancel, interrupted runs and live events across processes: `sgr run` cancelled from the
 * app through the journal, and `sgr serve` launching runs, then killed with runs unfinished.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { builtinSkills } from '../../skills';
import { dispatchCall } from '../api/dispatch';
import { Kernel } from '../api/kernel';

const ROOT = resolve(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];
const flags: string[] = [];

beforeAll(() => {
  // The CLI must carry this checkout's kernel (the cancel poll lives in Kernel.execute).
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(b.stderr);
});
afterAll(() => {
  for (const f of flags) if (!existsSync(f)) writeFileSync(f, '');
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function sgr(home: string, args: string[]): { child: ChildProcess; stdout: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'sgr.mjs'), ...args], { cwd: ROOT, env: { ...process.env, SGR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.resume();
  return { child, stdout: () => out, exit: new Promise((ok) => child.on('exit', (code) => ok(code))) };
}

async function until<T>(get: () => T | null | undefined | false): Promise<T> {
  for (;;) {
    const v = get();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An experiment whose `wait` step runs until `flag` exists. */
function slowExperiment(dir: string, flag: string): string {
  flags.push(flag);
  const path = join(dir, 'slow.yaml');
  writeFileSync(path, [
    'name: slow',
    'steps:',
    '  first: { skill: const, params: { values: { n: 1 } } }',
    '  wait:',
    '    skill: shell',
    `    params: { command: "while [ ! -e ${flag} ]; do sleep 0.05; done; echo done" }`,
    '    deps: [first]',
    '',
  ].join('\n'));
  return path;
}

/** `sgr run` of the slow experiment on a fresh home, and a Kernel of that home once `wait` runs. */
async function slowRunInCli(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const home = join(dir, 'home');
  const flag = join(dir, 'go');
  const cli = sgr(home, ['run', '-q', slowExperiment(dir, flag)]);
  const runId = await until(() => cli.stdout().split('\n').length > 1 && cli.stdout().split('\n')[0]);
  const k = Kernel.open({ home, skills: builtinSkills });
  await until(() => k.steps(runId).some((s) => s.step_id === 'wait' && s.state === 'RUNNING'));
  return { dir, home, flag, cli, runId, k };
}

describe('across processes', () => {
  it('cancels a run `sgr run` executes: it ends ABORTED (exit 130), and resumes to COMPLETED', async () => {
    const { dir, home, flag, cli, runId, k } = await slowRunInCli('sgr-xcancel-');
    try {
      expect(await dispatchCall(k, 'runs.cancel', { runId })).toEqual({ ok: true, value: { runId, requested: true } });
      expect(await cli.exit).toBe(130);
      expect(k.requireRun(runId)).toMatchObject({ state: 'ABORTED', error: 'aborted by the user' });
      expect(k.steps(runId).find((s) => s.step_id === 'wait')?.state).toBe('ABORTED');
      // The request was consumed: a resume is not cancelled by it again.
      writeFileSync(flag, '');
      expect(await dispatchCall(k, 'runs.resume', { runId })).toEqual({ ok: true, value: { runId } });
      await until(() => k.requireRun(runId).state === 'COMPLETED');
      expect(k.steps(runId).map((s) => s.state)).toEqual(['COMPLETED', 'COMPLETED']);
      // `sgr plan --cache` predicts what the editor does: everything is in the cache now.
      const plan = sgr(home, ['plan', '--cache', '--json', join(dir, 'slow.yaml')]);
      expect(await plan.exit).toBe(0);
      expect((JSON.parse(plan.stdout()) as { steps: Array<{ id: string; cache: string }> }).steps.map((s) => [s.id, s.cache])).toEqual([['first', 'hit'], ['wait', 'hit']]);
    } finally {
      await k.close();
    }
  });

  it('a run nobody executes is marked ABORTED directly; a run another process holds cannot be resumed here', async () => {
    const { flag, cli, runId, k } = await slowRunInCli('sgr-xidle-');
    try {
      expect(await dispatchCall(k, 'runs.resume', { runId })).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringMatching(/is being executed by another process \(pid \d+/) } });
      cli.child.kill('SIGKILL');
      await cli.exit;
      // The holder is dead, so its lease is void: the run is aborted here, at once.
      expect(await dispatchCall(k, 'runs.cancel', { runId })).toEqual({ ok: true, value: { runId, requested: true } });
      expect(k.requireRun(runId).state).toBe('ABORTED');
    } finally {
      writeFileSync(flag, '');
      await k.close();
    }
  });

  it('sgr serve: launch.progress and run events reach the UI exactly once; killed, its unfinished runs are interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgr-xserve-'));
    const home = join(dir, 'home');
    const serve = sgr(home, ['serve', '--port', '0']);
    const line = await until(() => serve.stdout().includes('\n') && serve.stdout().split('\n')[0]);
    const [, base, token] = /^sgr serve: (http:\/\/[\d.]+:\d+)\/\?token=([0-9a-f]+)$/.exec(line)!;
    const ws = new WebSocket(`${base!.replace('http', 'ws')}/ws?token=${token}`);
    const frames: Array<{ type: string; id?: number; event?: string; payload?: Record<string, unknown>; result?: { ok: boolean; value?: { launchId: string; runIds: string[] } } }> = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((ok) => ws.on('open', ok));
    const fast = join(dir, 'fast.yaml');
    writeFileSync(fast, 'name: fast\nsteps:\n  a: { skill: const, params: { values: { n: 1 } } }\n  b: { skill: shell, params: { command: "echo ${steps.a.outputs.n}" } }\n');
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'runs.launch', input: { path: fast, parallelRuns: 2, sweep: { step: 'a', param: 'values.n', protocol: 'grid', values: [1, 2] } } }));
    const launched = await until(() => frames.find((f) => f.id === 1)?.result);
    expect(launched.ok).toBe(true);
    const { launchId, runIds } = launched.value!;
    expect(runIds).toHaveLength(2);
    await until(() => frames.some((f) => f.event === 'launch.progress' && f.payload?.done === true));
    const k = Kernel.open({ home, skills: builtinSkills });
    try {
      const completed = (id: string) => frames.filter((f) => f.event === 'run.stateChanged' && f.payload?.runId === id && f.payload?.state === 'COMPLETED');
      await until(() => runIds.every((id) => completed(id).length > 0));
      // Two more polls of the tailer: a second copy of any event would have arrived by now.
      await new Promise((r) => setTimeout(r, 600));
      for (const id of runIds) {
        const states = frames.filter((f) => f.event === 'run.stateChanged' && f.payload?.runId === id).map((f) => f.payload?.state);
        expect(new Set(states).size, `${id}: ${states.join(', ')}`).toBe(states.length);
        expect(states).toContain('COMPLETED');
        const steps = frames.filter((f) => f.event === 'step.stateChanged' && f.payload?.runId === id).map((f) => `${String(f.payload?.stepId)}:${String(f.payload?.state)}`);
        expect(steps.filter((s) => s === 'b:COMPLETED')).toHaveLength(1);
      }
      const progress = frames.filter((f) => f.event === 'launch.progress').map((f) => f.payload);
      expect(progress[progress.length - 1]).toEqual({ launchId, runIds, done: true, error: null });

      // Now two slow runs, one at a time; the app dies while the first one runs.
      const flag = join(dir, 'go');
      ws.send(JSON.stringify({ type: 'call', id: 2, method: 'runs.launch', input: { path: slowExperiment(dir, flag), parallelRuns: 1, sweep: { step: 'first', param: 'values.n', protocol: 'grid', values: [1, 2] } } }));
      const slow = (await until(() => frames.find((f) => f.id === 2)?.result)).value!.runIds;
      await until(() => k.steps(slow[0]!).some((s) => s.step_id === 'wait' && s.state === 'RUNNING'));
      expect(await dispatchCall(k, 'runs.interrupted', {})).toEqual({ ok: true, value: [] });
      ws.close();
      serve.child.kill('SIGKILL');
      await serve.exit;

      const interrupted = await dispatchCall(k, 'runs.interrupted', {});
      expect(interrupted).toEqual({
        ok: true,
        value: expect.arrayContaining([
          expect.objectContaining({ runId: slow[0], name: 'slow', state: 'RUNNING', stepsDone: 1, steps: 2 }),
          expect.objectContaining({ runId: slow[1], state: 'PLANNED', stepsDone: 0, steps: 2 }),
        ]),
      });
      expect((interrupted as { value: unknown[] }).value).toHaveLength(2);
      expect(await dispatchCall(k, 'runs.dismissInterrupted', { runIds: [slow[1]!] })).toEqual({ ok: true, value: { dismissed: 1 } });
      expect(await dispatchCall(k, 'runs.interrupted', {})).toMatchObject({ ok: true, value: [expect.objectContaining({ runId: slow[0] })] });

      // Resumed here, the first run re-attaches to its job (still waiting) and completes.
      expect(await dispatchCall(k, 'runs.resume', { runId: slow[0]! })).toEqual({ ok: true, value: { runId: slow[0] } });
      expect(await dispatchCall(k, 'runs.interrupted', {})).toEqual({ ok: true, value: [] });
      writeFileSync(flag, '');
      await until(() => k.requireRun(slow[0]!).state === 'COMPLETED');
    } finally {
      await k.close();
    }
  });
});
