/** runs.launch on a real kernel: sweeps (grid, random, TPE), tags, bad input, budgets, in-process cancel and resume. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinSkills } from '../../skills';
import { dispatchCall } from '../api/dispatch';
import { Kernel } from '../api/kernel';
import type { MethodInput } from '../common/contract';
import type { Plan } from '../common/plan';
import { readObjective } from './objective';
import { onLaunchProgress, type LaunchProgress } from './progress';

const kernels: Kernel[] = [];
afterEach(async () => {
  for (const k of kernels.splice(0)) await k.close();
});

/** A kernel on a fresh home, and an experiment in it: `cfg` (const) feeds `use` (shell). */
function setup(extra: string | ((dir: string) => string) = '') {
  const dir = mkdtempSync(join(tmpdir(), 'sgr-launch-'));
  const k = Kernel.open({ home: join(dir, 'home'), skills: builtinSkills });
  kernels.push(k);
  const path = join(dir, 'experiment.yaml');
  writeFileSync(path, [
    'name: launchy',
    'steps:',
    '  cfg:',
    '    skill: const',
    '    params: { values: { rank: 8, note: hi } }',
    '  use:',
    '    skill: shell',
    '    params: { command: "echo rank=${steps.cfg.outputs.rank}" }',
    typeof extra === 'string' ? extra : extra(dir),
  ].join('\n'));
  return { k, dir, path };
}

async function call<M extends 'runs.launch' | 'runs.cancel' | 'runs.resume' | 'runs.interrupted'>(k: Kernel, m: M, input: MethodInput<M>) {
  const r = await dispatchCall(k, m, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as never;
}

/** Resolves with the launch's final progress event. */
function launchDone(k: Kernel, launchId: () => string | null): Promise<LaunchProgress> {
  return new Promise((resolve) => {
    const off = onLaunchProgress(k, (p) => {
      if (p.done && p.launchId === launchId()) {
        off();
        resolve(p);
      }
    });
  });
}

async function launchAndWait(k: Kernel, input: MethodInput<'runs.launch'>) {
  let id: string | null = null;
  const done = launchDone(k, () => id);
  const r = (await call(k, 'runs.launch', input)) as { launchId: string; runIds: string[] };
  id = r.launchId;
  return { ...r, final: await done };
}

const rankOf = (k: Kernel, runId: string) => ((JSON.parse(k.requireRun(runId).plan_json) as Plan).steps[0]!.params.values as { rank: unknown }).rank;

describe('runs.launch', () => {
  it('a 3-value grid makes 3 runs with the value set, tagged sweep:<launchId> plus the user tags', async () => {
    const { k, path } = setup();
    const r = await launchAndWait(k, { path, parallelRuns: 2, tags: ['mine'], sweep: { step: 'cfg', param: 'values.rank', protocol: 'grid', values: [4, 16, 32] } });
    expect(r.runIds).toHaveLength(3);
    expect(r.final).toEqual({ launchId: r.launchId, runIds: r.runIds, done: true, error: null });
    expect(r.runIds.map((id) => k.requireRun(id).state)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(r.runIds.map((id) => rankOf(k, id))).toEqual([4, 16, 32]);
    // The value reached the job: the shell step saw the swept rank.
    for (const [i, id] of r.runIds.entries()) {
      const out = await dispatchCall(k, 'logs.read', { runId: id, stepId: 'use' });
      expect(out).toMatchObject({ ok: true, value: { text: `rank=${[4, 16, 32][i]}\n` } });
    }
    const listed = await dispatchCall(k, 'runs.list', { filter: { tag: `sweep:${r.launchId}` } });
    expect(listed).toMatchObject({ ok: true, value: { total: 3 } });
    const mine = await dispatchCall(k, 'runs.list', { filter: { tag: 'mine' } });
    expect(mine).toMatchObject({ ok: true, value: { total: 3, rows: expect.arrayContaining([expect.objectContaining({ tags: expect.arrayContaining(['mine', `sweep:${r.launchId}`, 'const', 'shell']) })]) } });
  });

  it('a random sweep is reproducible from its seed, stays in range and obeys maxRuns', async () => {
    const { k, path } = setup();
    const input = { path, parallelRuns: 3, budget: { maxRuns: 3 }, sweep: { step: 'cfg', param: 'values.rank', protocol: 'random' as const, range: { low: 2, high: 64, int: true }, trials: 5, seed: 11 } };
    const a = await launchAndWait(k, input);
    const b = await launchAndWait(k, input);
    const c = await launchAndWait(k, { ...input, sweep: { ...input.sweep, seed: 12 } });
    const va = a.runIds.map((id) => rankOf(k, id));
    expect(va).toHaveLength(3);
    expect(b.runIds.map((id) => rankOf(k, id))).toEqual(va);
    expect(c.runIds.map((id) => rankOf(k, id))).not.toEqual(va);
    for (const v of va) expect(Number.isInteger(v) && (v as number) >= 2 && (v as number) <= 64).toBe(true);
    expect(a.runIds.map((id) => k.requireRun(id).state)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
  });

  it('TPE creates its runs batch by batch, reading the objective from a numeric step output', async () => {
    const { k, path } = setup();
    const r = await launchAndWait(k, {
      path, parallelRuns: 2,
      sweep: { step: 'cfg', param: 'values.rank', protocol: 'tpe', range: { low: 0, high: 10 }, trials: 5, seed: 3, objective: { metric: 'cfg.rank', direction: 'minimize' } },
    });
    // Two runs at first (one batch), five in the end.
    expect(r.runIds).toHaveLength(2);
    expect(r.final.runIds).toHaveLength(5);
    const ids = r.final.runIds;
    expect(new Set(ids.map((id) => rankOf(k, id))).size).toBe(5);
    expect(ids.map((id) => k.requireRun(id).state).every((s) => s === 'COMPLETED')).toBe(true);
    for (const id of ids) expect(readObjective(k, id, 'cfg.rank')).toBe(rankOf(k, id));
  });

  it('reads a TPE objective from the metrics a job reported (its last value)', async () => {
    const { k, path } = setup((d) => {
      writeFileSync(join(d, 'score.py'), [
        'import json, os, sys',
        'r = float(sys.argv[1])',
        'with open(os.environ["SGR_EVENTS_FILE"], "a") as f:',
        '    for v in (100.0, (r - 3) ** 2):',
        '        f.write(json.dumps({"type": "metric", "name": "loss", "value": v}) + "\\n")',
        '',
      ].join('\n'));
      return '  score:\n    skill: python\n    params: { script: score.py, args: ["${steps.cfg.outputs.rank}"] }\n';
    });
    const r = await launchAndWait(k, {
      path, parallelRuns: 1,
      sweep: { step: 'cfg', param: 'values.rank', protocol: 'tpe', range: { low: 0, high: 6 }, trials: 2, seed: 1, objective: { metric: 'score.loss', direction: 'minimize' } },
    });
    expect(r.final).toMatchObject({ done: true, error: null });
    for (const id of r.final.runIds) expect(readObjective(k, id, 'score.loss')).toBeCloseTo(((rankOf(k, id) as number) - 3) ** 2, 9);
    expect(readObjective(k, r.final.runIds[0]!, 'score.nothing')).toBeNull();
  });

  it('refuses a wrong step, path or value with bad_input naming step and param, creating nothing', async () => {
    const { k, path } = setup();
    const bad = async (sweep: object, extra: object = {}) => {
      const r = await dispatchCall(k, 'runs.launch', { path, sweep, ...extra });
      expect(r.ok).toBe(false);
      return !r.ok ? r.error : null;
    };
    expect(await bad({ step: 'nope', param: 'x', protocol: 'grid', values: [1] })).toEqual({ code: 'bad_input', message: 'sweep: the plan has no step "nope" (steps: cfg, use)' });
    expect(await bad({ step: 'use', param: 'command.x', protocol: 'grid', values: [1] })).toMatchObject({ code: 'bad_input', message: expect.stringMatching(/^sweep: step "use", param "command.x": params.command is ".*", not a map of parameters$/) });
    expect(await bad({ step: 'use', param: 'command', protocol: 'grid', values: [''] })).toMatchObject({ code: 'bad_input', message: 'sweep: step "use", param "command" = "": step "use" params.command: the command is empty' });
    expect(await bad({ step: 'cfg', param: 'values.rank', protocol: 'random', range: { low: 5, high: 1 }, trials: 2 })).toMatchObject({ code: 'bad_input', message: expect.stringMatching(/range uniform: low \(5\) must be below high \(1\)/) });
    expect(await bad({ step: 'cfg', param: 'values.rank', protocol: 'tpe', range: { low: 0, high: 1 }, trials: 2 })).toMatchObject({ code: 'bad_input', message: expect.stringMatching(/tpe needs an objective/) });
    expect(await bad({ step: 'cfg', param: 'values.rank', protocol: 'grid', values: [1] }, { target: 'mars' })).toMatchObject({ code: 'bad_input', message: 'target: unknown target "mars" (known: local)' });
    expect(await dispatchCall(k, 'runs.launch', { path, text: 'name: x\nsteps: {}\n' })).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringContaining('experiment.yaml') } });
    expect(await dispatchCall(k, 'runs.list', {})).toMatchObject({ ok: true, value: { total: 0 } });
    expect(await dispatchCall(k, 'targets.list', {})).toMatchObject({ ok: true, value: [{ name: 'local', kind: 'local', available: true }] });
  });

  it('cancels an in-process run (ABORTED, resumable) and resumes it to COMPLETED; COMPLETED refuses resume', async () => {
    const { k, dir, path } = setup((d) => `  wait:\n    skill: shell\n    params: { command: "while [ ! -e ${join(d, 'go')} ]; do sleep 0.05; done" }\n`);
    const flag = join(dir, 'go');
    let id: string | null = null;
    const done = launchDone(k, () => id);
    const r = (await call(k, 'runs.launch', { path })) as { launchId: string; runIds: string[] };
    id = r.launchId;
    const runId = r.runIds[0]!;
    await until(() => k.steps(runId).some((s) => s.step_id === 'wait' && s.state === 'RUNNING'));
    expect(await call(k, 'runs.cancel', { runId })).toEqual({ runId, requested: true });
    await done;
    expect(k.requireRun(runId).state).toBe('ABORTED');
    expect(await call(k, 'runs.cancel', { runId })).toEqual({ runId, requested: false });

    writeFileSync(flag, '');
    expect(await call(k, 'runs.resume', { runId })).toEqual({ runId });
    await until(() => k.requireRun(runId).state === 'COMPLETED');
    expect(existsSync(flag)).toBe(true);
    expect(await dispatchCall(k, 'runs.resume', { runId })).toEqual({ ok: false, error: { code: 'bad_input', message: `run ${runId} is already COMPLETED; nothing to resume` } });
  });

  it('budget.maxMinutes cancels what is still going at the deadline; queued runs end ABORTED too', async () => {
    const { k, path } = setup(`  wait:\n    skill: shell\n    params: { command: "sleep 30" }\n`);
    const r = await launchAndWait(k, { path, parallelRuns: 1, budget: { maxMinutes: 0.01 }, sweep: { step: 'cfg', param: 'values.rank', protocol: 'grid', values: [1, 2] } });
    expect(r.runIds.map((id) => k.requireRun(id).state)).toEqual(['ABORTED', 'ABORTED']);
    expect(k.requireRun(r.runIds[1]!).error).toMatch(/maxMinutes/);
  });
});

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 25));
}
