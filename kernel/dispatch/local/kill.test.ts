import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobPaths, writeJobFiles } from './job-dir';
import { Launcher, type LauncherLine } from './launcher';
import { LocalDispatcher } from './local-dispatcher';
import { alive, eventually, sandbox, shellSpec, type Sandbox } from './test-support';

let box: Sandbox;
let d: LocalDispatcher;

beforeEach(async () => {
  box = await sandbox();
  d = new LocalDispatcher({ root: box.root, pollMs: 20, graceMs: 300 });
});
afterEach(async () => {
  await d.close();
  await box.cleanup();
});

const readPid = async (path: string) => Number((await readFile(path, 'utf8')).trim());

describe('timeouts and cancel', () => {
  it('a timeout kills the whole process group, grandchildren included', async () => {
    // The grandchild sleeps in the background; only a group kill reaches it.
    const spec = shellSpec('run1.slow.1', box.work, 'sleep 60 & echo $! > grandchild.pid; sleep 30', { timeoutMs: 400 });
    const t0 = Date.now();
    await d.submit(spec);
    expect(await eventually(async () => (await readFile(join(box.work, 'grandchild.pid'), 'utf8').catch(() => '')) !== '')).toBe(true);
    const grandchild = await readPid(join(box.work, 'grandchild.pid'));
    expect(await alive(grandchild)).toBe(true);
    const status = await d.wait(spec.jobId);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(status).toMatchObject({ phase: 'exited', killedBy: 'timeout', exitCode: 143 });
    expect(await eventually(async () => !(await alive(grandchild)), 2000)).toBe(true);
    const result = await d.collect(spec.jobId);
    expect(result).toMatchObject({ killedBy: 'timeout', exitCode: 143, signal: 'SIGTERM' });
    expect(await readFile(join(box.root, spec.jobId, 'killed'), 'utf8')).toBe('timeout\n');
  });

  it('escalates to SIGKILL after the grace period; no exit file then means exitCode null', async () => {
    // `trap '' TERM` is inherited by sleep: nothing in the group dies of SIGTERM.
    const spec = shellSpec('run1.stubborn.1', box.work, "trap '' TERM; sleep 30", { timeoutMs: 200 });
    const t0 = Date.now();
    const { pid } = await d.submit(spec);
    const status = await d.wait(spec.jobId);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450); // 200 ms timeout + 300 ms grace
    expect(status).toMatchObject({ phase: 'exited', exitCode: null, killedBy: 'timeout' });
    expect(await alive(pid!)).toBe(false);
    expect(await d.collect(spec.jobId)).toMatchObject({ exitCode: null, killedBy: 'timeout', signal: 'SIGKILL' });
    // A fresh dispatcher reads the same verdict from the directory.
    const other = new LocalDispatcher({ root: box.root });
    expect(await other.status(spec.jobId)).toMatchObject({ phase: 'exited', exitCode: null, killedBy: 'timeout' });
    await other.close();
  });

  it('cancel stops a running job and records why', async () => {
    const spec = shellSpec('run1.cancel.1', box.work, 'echo started; sleep 30; echo never');
    await d.submit(spec);
    await d.cancel(spec.jobId, 'cancel');
    const status = await d.wait(spec.jobId);
    expect(status).toMatchObject({ phase: 'exited', killedBy: 'cancel', exitCode: 143 });
    expect((await d.readLog(spec.jobId, 'stdout', 0, 100)).data).not.toContain('never');
    await d.cancel(spec.jobId, 'timeout'); // no-op once ended: the first reason stays
    expect(await d.status(spec.jobId)).toMatchObject({ killedBy: 'cancel' });
  });

  it('a cancel right after submit still lets the wrapper record the exit code', async () => {
    // SIGTERM may land while the wrapper is still between its claim and the job's start.
    const ids = Array.from({ length: 20 }, (_, i) => `run1.quick${i}.1`);
    await Promise.all(
      ids.map(async (id) => {
        await d.submit(shellSpec(id, box.work, 'sleep 30'));
        await d.cancel(id, 'cancel');
      }),
    );
    const statuses = await Promise.all(ids.map((id) => d.wait(id)));
    expect(statuses.map((s) => [s.exitCode, s.killedBy])).toEqual(ids.map(() => [143, 'cancel']));
  });

  it('cancel from another dispatcher instance (after a restart) kills the job too', async () => {
    const spec = shellSpec('run1.remote.1', box.work, 'sleep 30');
    const { pid } = await d.submit(spec);
    const other = new LocalDispatcher({ root: box.root, pollMs: 20 });
    await other.cancel(spec.jobId, 'cancel');
    expect(await d.wait(spec.jobId)).toMatchObject({ killedBy: 'cancel', exitCode: 143 });
    expect(await alive(pid!)).toBe(false);
    await other.close();
  });

  it('a job cancelled before the launcher picked it up never runs', async () => {
    const spec = shellSpec('run1.early.1', box.work, `echo ran > '${join(box.work, 'ran')}'`);
    const paths = jobPaths(box.root, spec.jobId);
    await mkdir(box.root, { recursive: true });
    await writeJobFiles(spec, paths); // as if the line were still in flight
    await d.cancel(spec.jobId, 'cancel');
    const lines: LauncherLine[] = [];
    const launcher = new Launcher('bash', (l) => lines.push(l), () => {});
    await launcher.send(paths.dir);
    expect(await eventually(() => lines.some((l) => l.kind === 'E'))).toBe(true);
    launcher.close();
    expect(lines.map((l) => l.kind)).toEqual(['S', 'E']);
    expect(lines[1]).toMatchObject({ code: 143 });
    await expect(readFile(join(box.work, 'ran'))).rejects.toThrow(/ENOENT/);
    expect(await d.status(spec.jobId)).toMatchObject({ phase: 'exited', exitCode: 143, killedBy: 'cancel' });
  });
});
