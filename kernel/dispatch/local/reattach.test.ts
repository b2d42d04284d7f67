import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobPaths, writeJobFiles } from './job-dir';
import { Launcher, type LauncherLine } from './launcher';
import { LocalDispatcher } from './local-dispatcher';
import { eventually, recorder, sandbox, shellSpec, type Sandbox } from './test-support';

let box: Sandbox;
const open: LocalDispatcher[] = [];

function dispatcher(): LocalDispatcher {
  const d = new LocalDispatcher({ root: box.root, pollMs: 20, graceMs: 300 });
  open.push(d);
  return d;
}

beforeEach(async () => {
  box = await sandbox();
  await mkdir(box.work, { recursive: true });
});
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
  await box.cleanup();
});

const ledgerJob = (jobId: string, extra = {}) => {
  const ledger = join(box.work, `${jobId}.ledger`);
  return { ledger, spec: shellSpec(jobId, box.work, `echo started >> '${ledger}'; sleep 1; echo done`, extra) };
};

const exists = (path: string) => stat(path).then(() => true, () => false);

describe('re-attaching after the kernel died', () => {
  for (const how of ['closed', 'abandoned'] as const) {
    it(`a new dispatcher attaches to a running job of one that was ${how}, and the job runs once`, async () => {
      const { ledger, spec } = ledgerJob(`run1.${how}.1`);
      const a = dispatcher();
      const first = await a.submit(spec);
      expect(first.phase).toBe('running');
      if (how === 'closed') await a.close();

      const b = dispatcher();
      const rec = recorder();
      expect(await b.submit(spec, rec)).toMatchObject({ phase: 'running', pid: first.pid });
      expect(await b.wait(spec.jobId)).toMatchObject({ phase: 'exited', exitCode: 0 });
      expect(rec.stdout).toBe('done\n');
      expect(await readFile(ledger, 'utf8')).toBe('started\n');
    });
  }

  it('survives a real SIGKILL of the kernel process', async () => {
    const bundle = join(box.work, 'crash-child.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, 'crash-child.fixture.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    });
    const { ledger, spec } = ledgerJob('run1.sigkill.1');
    const kernel = spawn(process.execPath, [bundle, box.root, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    kernel.stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect(await eventually(() => out.includes('submitted'), 10_000)).toBe(true);
    expect(out).toMatch(/^submitted running \d+\n$/);
    const exited = new Promise((r) => kernel.once('exit', r));
    kernel.kill('SIGKILL');
    await exited;

    const b = dispatcher();
    const status = await b.submit(spec);
    expect(status).toMatchObject({ phase: 'running', pid: Number(out.split(' ')[2]) });
    expect(await b.wait(spec.jobId)).toMatchObject({ phase: 'exited', exitCode: 0 });
    expect(await readFile(ledger, 'utf8')).toBe('started\n');
    expect((await b.readLog(spec.jobId, 'stdout', 0, 100)).data).toBe('done\n');
    expect(out).not.toContain('finished');
  });

  it('keeps the original deadline of a job re-attached after a restart', async () => {
    const spec = shellSpec('run1.deadline.1', box.work, 'sleep 30', { timeoutMs: 2000 });
    const t0 = Date.now();
    const a = dispatcher();
    await a.submit(spec);
    await new Promise((r) => setTimeout(r, 1000));
    await a.close();
    const b = dispatcher();
    await b.submit(spec);
    expect(await b.wait(spec.jobId)).toMatchObject({ killedBy: 'timeout', exitCode: 143 });
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(1950);
    expect(elapsed).toBeLessThan(2800); // counted from the restart it would be >= 3000
  });

  it('wait() alone (no submit) re-attaches from the job directory', async () => {
    const { spec } = ledgerJob('run1.adopt.1');
    await dispatcher().submit(spec);
    const b = dispatcher();
    const rec = recorder();
    expect(await b.wait(spec.jobId, rec)).toMatchObject({ phase: 'exited', exitCode: 0 });
    expect(rec.stdout).toBe('done\n');
  });
});

describe('jobs that can no longer run', () => {
  it('fences a job dir without claim as lost, so an in-flight launcher line cannot start it', async () => {
    const { ledger, spec } = ledgerJob('run1.unclaimed.1');
    const paths = jobPaths(box.root, spec.jobId);
    await mkdir(box.root, { recursive: true });
    await writeJobFiles(spec, paths); // the dead kernel wrote the dir; its line never ran
    expect(await dispatcher().submit(spec)).toEqual({ jobId: spec.jobId, phase: 'lost', exitCode: null });

    const lines: LauncherLine[] = [];
    const launcher = new Launcher('bash', (l) => lines.push(l), () => {});
    await launcher.send(paths.dir); // the stale line arrives after all
    expect(await eventually(() => lines.length > 0)).toBe(true);
    launcher.close();
    expect(lines).toEqual([{ kind: 'D', dir: paths.dir }]);
    expect(await exists(paths.pid)).toBe(false);
    expect(await exists(ledger)).toBe(false);
  });

  it('reports a claimed job whose wrapper died without an exit file as lost', async () => {
    const { spec } = ledgerJob('run1.dead.1');
    const paths = jobPaths(box.root, spec.jobId);
    await mkdir(box.root, { recursive: true });
    await writeJobFiles(spec, paths);
    const deadPid = spawnSync('true').pid;
    await writeFile(paths.claim, `${deadPid}\n`);
    await writeFile(paths.pid, `${deadPid} 12345\n`);
    const d = dispatcher();
    expect(await d.status(spec.jobId)).toMatchObject({ phase: 'lost', pid: deadPid });
    expect(await d.submit(spec)).toMatchObject({ phase: 'lost', exitCode: null });
    expect(await d.collect(spec.jobId)).toMatchObject({ exitCode: null, killedBy: null, signal: null });
  });

  it('does not mistake a reused pid for the job (start time differs)', async () => {
    const { spec } = ledgerJob('run1.reused.1');
    const paths = jobPaths(box.root, spec.jobId);
    await mkdir(box.root, { recursive: true });
    await writeJobFiles(spec, paths);
    await writeFile(paths.claim, `${process.pid}\n`);
    await writeFile(paths.pid, `${process.pid} 1\n`); // alive, but started at another time
    expect(await dispatcher().submit(spec)).toMatchObject({ phase: 'lost' });
  });

  it('waits up to 2 s for the pid of a claimed job, then reports it lost', async () => {
    const { spec } = ledgerJob('run1.nopid.1');
    const paths = jobPaths(box.root, spec.jobId);
    await mkdir(box.root, { recursive: true });
    await writeJobFiles(spec, paths);
    await writeFile(paths.claim, '');
    const t0 = Date.now();
    expect(await dispatcher().submit(spec)).toMatchObject({ phase: 'lost' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    // Fenced: a wrapper that is only late checks `killed` before starting the job.
    expect(await readFile(paths.killed, 'utf8')).toBe('cancel\n');
  });
});
