/** The kernel's target registry: lazy dispatchers, targets.yaml edits, probes and the process table. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { dispatchCall } from '../kernel/api/dispatch';
import { LocalDispatcher } from '../kernel/dispatch/local';
import type { Dispatcher } from '../kernel/dispatch/types';
import { createDispatcher } from '../kernel/targets/factory';
import { TargetRegistry } from '../kernel/targets/registry';
import type { TargetConfig } from '../kernel/targets/schema';
import { openKernel, plan, runPlan, tempDir } from './helpers';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

/** A registry whose factory records what it built (the real factory underneath). */
function countingRegistry(home: string) {
  const built: string[] = [];
  const reg = new TargetRegistry(home, join(home, 'jobs'), (name, config, ctx) => {
    built.push(name);
    return createDispatcher(name, config, ctx);
  });
  return { reg, built };
}

const TWO_TARGETS = [
  'targets:',
  '  local: { kind: local, description: this machine, resources: { cpus: 2, maxJobs: 2 } }',
  '  gpu1: { kind: ssh, host: 127.0.0.1, port: 1, user: nobody, description: closed port }',
].join('\n');

describe('target registry', () => {
  it('lists targets without creating any dispatcher; creates each once on first use', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'targets.yaml'), TWO_TARGETS);
    const { reg, built } = countingRegistry(home);
    expect(reg.names()).toEqual(['local', 'gpu1']);
    expect(reg.config('local')).toEqual({ kind: 'local', description: 'this machine', resources: { cpus: 2, maxJobs: 2 } });
    expect(reg.config('nope')).toBeUndefined();
    expect(built).toEqual([]);
    const d = reg.get('gpu1');
    expect(d?.kind).toBe('ssh');
    expect(reg.get('gpu1')).toBe(d);
    expect(reg.get('local')).toBeInstanceOf(LocalDispatcher);
    expect(reg.get('nope')).toBeUndefined();
    expect(built).toEqual(['gpu1', 'local']);
    await reg.close();
  });

  it('opening the kernel, listing, validating and the process table never connect to a target; a check does', async () => {
    let connections = 0;
    const server = createServer((sock) => {
      connections++;
      sock.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const home = tempDir();
      const key = join(home, 'id_ed25519');
      expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]).status).toBe(0);
      writeFileSync(join(home, 'targets.yaml'), `targets:\n  gpu1: { kind: ssh, host: 127.0.0.1, port: ${port}, user: u, key: ${key} }\n`);
      kernel = openKernel(home);
      expect(kernel.targets()).toEqual(['local', 'gpu1']);
      expect(kernel.validate(plan({ steps: [{ id: 'a', skill: 'noop', target: 'gpu1' }] }))).toEqual([]);
      for (const m of ['targets.list', 'targets.file', 'jobs.list'] as const) expect((await dispatchCall(kernel, m, {})).ok).toBe(true);
      await kernel.close();
      kernel = null;
      expect(connections).toBe(0);
      kernel = openKernel(home);
      const probe = await kernel.dispatchers.check('gpu1');
      expect(probe.ok).toBe(false);
      expect(probe.error).toContain('gpu1');
      expect(connections).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });

  it('re-reads an edited targets.yaml: a changed target gets a new dispatcher, an unchanged one keeps its own', async () => {
    const home = tempDir();
    const file = join(home, 'targets.yaml');
    writeFileSync(file, TWO_TARGETS);
    const { reg, built } = countingRegistry(home);
    const local = reg.get('local');
    const gpu1 = reg.get('gpu1');
    writeFileSync(file, TWO_TARGETS.replace('port: 1,', 'port: 2,') + '\n  box: { kind: docker }\n');
    expect(reg.names()).toEqual(['local', 'gpu1', 'box']);
    expect(reg.get('local')).toBe(local);
    const gpu1b = reg.get('gpu1');
    expect(gpu1b).not.toBe(gpu1);
    expect((gpu1b as unknown as { target: TargetConfig }).target).toMatchObject({ port: 2 });
    expect(built).toEqual(['local', 'gpu1', 'gpu1']);
    await reg.close();
  });

  it('a broken targets.yaml: names() throws file:line field, local stays usable, a plan on another target says why', () => {
    const home = tempDir();
    writeFileSync(join(home, 'targets.yaml'), 'targets:\n  gpu1:\n    kind: ssh\n    host: h\n    user: u\n    port: x\n');
    kernel = openKernel(home);
    expect(() => kernel!.targets()).toThrow(`${join(home, 'targets.yaml')}:6 targets.gpu1.port: expected a number, got "x"`);
    expect(kernel.dispatchers.usableNames()).toEqual(['local']);
    const issues = kernel.validate(plan({ steps: [{ id: 'a', skill: 'noop', target: 'gpu1' }] }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain('unknown target "gpu1" (known: local; ');
    expect(issues[0]!.message).toContain(`${join(home, 'targets.yaml')} has problems: ${join(home, 'targets.yaml')}:6 targets.gpu1.port`);
  });

  it('a typo in targets.yaml does not stop local: its dispatcher, config and check keep working; other targets throw the problems', async () => {
    const home = tempDir();
    const file = join(home, 'targets.yaml');
    writeFileSync(file, TWO_TARGETS);
    kernel = openKernel(home);
    expect(kernel.dispatchers.get('gpu1')?.kind).toBe('ssh');
    const local = kernel.dispatchers.get('local');
    writeFileSync(file, TWO_TARGETS.replace('port: 1,', 'port: one,'));
    expect(kernel.dispatchers.get('local')).toBe(local); // the same one: never two watching $SGR_HOME/jobs
    expect(kernel.targetConfig('local')).toEqual({ kind: 'local' });
    expect(kernel.targetConfig('gpu1')).toBeUndefined();
    expect(() => kernel!.dispatchers.get('gpu1')).toThrow(`${file}:3 targets.gpu1.port: expected a number, got "one"`);
    expect((await kernel.dispatchers.check('local')).ok).toBe(true);
    const { state } = await runPlan(kernel, plan({ steps: [{ id: 'a', skill: 'shell', params: { command: 'true' } }] }));
    expect(state).toBe('COMPLETED');
  });

  it('an unknown target in a plan names targets.yaml', () => {
    const home = tempDir();
    kernel = openKernel(home);
    const issues = kernel.validate(plan({ steps: [{ id: 'a', skill: 'noop', target: 'gpu9' }] }));
    expect(issues.map((i) => i.message)).toEqual([`unknown target "gpu9" (known: local; targets are declared in ${join(home, 'targets.yaml')})`]);
  });

  it('gives the scheduler each target config through KernelServices.targetConfig', () => {
    const home = tempDir();
    writeFileSync(join(home, 'targets.yaml'), TWO_TARGETS);
    kernel = openKernel(home);
    const services = kernel.services();
    expect(services.targetConfig('local')?.resources?.maxJobs).toBe(2);
    expect(services.targetConfig('gpu1')?.kind).toBe('ssh');
    expect(services.targetConfig('nope')).toBeUndefined();
  });

  it('checks local: probed CPUs and RAM, recorded in targets.state.json and shown by targets.list', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'targets.yaml'), TWO_TARGETS);
    kernel = openKernel(home);
    const before = await dispatchCall(kernel, 'targets.list', {});
    expect(before).toMatchObject({ ok: true, value: [{ name: 'local', kind: 'local', available: true, lastProbe: null, resources: { cpus: 2 } }, { name: 'gpu1', kind: 'ssh', address: 'nobody@127.0.0.1:1' }] });
    const r = await dispatchCall(kernel, 'targets.check', { name: 'local' });
    expect(r.ok).toBe(true);
    const probe = (r as { value: { ok: boolean; resources: { cpus: number; memoryMb: number; gpus: unknown[] } } }).value;
    expect(probe.ok).toBe(true);
    expect(probe.resources.cpus).toBeGreaterThan(0);
    expect(probe.resources.memoryMb).toBeGreaterThan(100);
    const state = JSON.parse(readFileSync(join(home, 'targets.state.json'), 'utf8'));
    expect(state.probes.local.ok).toBe(true);
    const after = await dispatchCall(kernel, 'targets.list', {});
    expect(after).toMatchObject({ ok: true, value: [{ name: 'local', lastProbe: { ok: true, resources: { cpus: probe.resources.cpus } } }, { name: 'gpu1' }] });
  });

  it('a failing target check is ok:false naming the target, recorded, and makes it unavailable', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'targets.yaml'), TWO_TARGETS);
    kernel = openKernel(home);
    const r = await dispatchCall(kernel, 'targets.check', { name: 'gpu1' });
    expect(r.ok).toBe(true);
    const probe = (r as { value: { ok: boolean; error: string } }).value;
    expect(probe.ok).toBe(false);
    expect(probe.error).toContain('gpu1');
    const list = await dispatchCall(kernel, 'targets.list', {});
    expect(list).toMatchObject({ ok: true, value: [{ name: 'local' }, { name: 'gpu1', available: false, lastProbe: { ok: false } }] });
    const unknown = await dispatchCall(kernel, 'targets.check', { name: 'gpu9' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((unknown as { error: { message: string } }).error.message).toContain(join(home, 'targets.yaml'));
  });

  it('a probe that throws (a dispatcher breaking the contract) is still an answer', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'targets.yaml'), 'targets:\n  box: { kind: docker }\n');
    const reg = new TargetRegistry(home, join(home, 'jobs'), (name, config, ctx) => {
      const d = createDispatcher(name, config, ctx) as Dispatcher;
      d.probe = () => Promise.reject(new Error('socket hang up'));
      return d;
    });
    const probe = await reg.check('box');
    expect(probe).toMatchObject({ ok: false, error: 'target "box": socket hang up' });
    expect(reg.lastProbes().box?.ok).toBe(false);
    await reg.close();
  });

  it('targets.file reports the path, whether it exists, and its problems', async () => {
    const home = tempDir();
    kernel = openKernel(home);
    expect(await dispatchCall(kernel, 'targets.file', {})).toEqual({ ok: true, value: { file: join(home, 'targets.yaml'), exists: false, problems: null } });
    writeFileSync(join(home, 'targets.yaml'), 'targets:\n  a: { kind: warp }\n');
    const r = await dispatchCall(kernel, 'targets.file', {});
    expect(r).toMatchObject({ ok: true, value: { exists: true } });
    expect((r as { value: { problems: string } }).value.problems).toMatch(/targets\.yaml:2 targets\.a(\.kind)?: kind must be one of/);
  });

  it('jobs.list shows a running step attempt with its target, then drops it when it ends', async () => {
    const home = tempDir();
    kernel = openKernel(home);
    const runId = kernel.createRun(plan({ steps: [{ id: 'slow', skill: 'shell', params: { command: 'sleep 1.5' } }] }));
    const done = kernel.execute(runId);
    let rows: Array<{ jobId: string; runId: string; stepId: string; target: string; state: string; attempt: number }> = [];
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const r = await dispatchCall(kernel, 'jobs.list', {});
      if (r.ok) rows = r.value as typeof rows;
    }
    expect(rows).toEqual([expect.objectContaining({ jobId: `${runId}.slow.1`, runId, stepId: 'slow', attempt: 1, target: 'local', state: 'running' })]);
    expect(await done).toBe('COMPLETED');
    expect(await dispatchCall(kernel, 'jobs.list', {})).toEqual({ ok: true, value: [] });
  });
});
