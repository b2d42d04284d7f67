/**
 * The remote job layer over LocalShell (the Slurm-on-this-machine case): the wrapper's
 * claim makes a start that is sent twice run once, and the layer behaves as over ssh.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SetsidLauncher } from '../kernel/dispatch/remote/launcher';
import { LocalShell } from '../kernel/dispatch/remote/local-shell';
import { prepareJob } from '../kernel/dispatch/remote/prepare';
import { RemoteDispatcher } from '../kernel/dispatch/remote/remote-dispatcher';
import type { JobSpec } from '../kernel/dispatch/types';

const base = mkdtempSync(join(tmpdir(), 'sgr-remote-local-'));

function spec(id: string, script: string): JobSpec {
  const cwd = join(base, 'work', id);
  mkdirSync(cwd, { recursive: true });
  return { jobId: `${id}.s.1`, runId: id, stepId: 's', attempt: 1, argv: ['/bin/sh', '-c', script], env: {}, cwd, timeoutMs: 0, outputs: {} };
}

describe('remote job layer on LocalShell', () => {
  it('a start sent three times at once runs the job once', async () => {
    const shell = new LocalShell();
    const ledger = join(base, 'ledger');
    const s = spec('twice', `echo "$$" >> ${ledger}; sleep 0.3`);
    const root = join(base, 'remote');
    // What a kernel killed mid-upload leaves behind; the next start removes it.
    const leftover = join(root, 'jobs', `.tmp-${s.jobId}-dead`);
    mkdirSync(join(leftover, 'work'), { recursive: true });
    const prepared = await prepareJob(shell, root, s, { timeoutMs: 0, graceMs: 1000 }, join(base, 'scratch'));
    expect(prepared.created).toBe(true);
    expect(existsSync(leftover)).toBe(false);
    expect((await prepareJob(shell, root, s, { timeoutMs: 0, graceMs: 1000 }, join(base, 'scratch'))).created).toBe(false);
    const launcher = new SetsidLauncher();
    const job = { spec: prepared.remote, layout: prepared.layout };
    await Promise.all([launcher.launch(shell, job), launcher.launch(shell, job), launcher.launch(shell, job)]);
    const d = new RemoteDispatcher({ kind: 'test', name: 'here', shell, launcher, root, mirrorRoot: join(base, 'mirror'), pollMs: 50 });
    try {
      await d.submit(s);
      expect(await d.wait(s.jobId)).toMatchObject({ phase: 'exited', exitCode: 0 });
      expect(readFileSync(ledger, 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      await d.close();
    }
  });

  it('mirrors a big log completely (several reads per poll)', async () => {
    const shell = new LocalShell();
    const root = join(base, 'remote3');
    const d = new RemoteDispatcher({ kind: 'test', name: 'here', shell, launcher: new SetsidLauncher(), root, mirrorRoot: join(base, 'mirror3'), pollMs: 50 });
    try {
      const s = spec('big', 'head -c 9000000 /dev/urandom | base64');
      await d.submit(s);
      expect(await d.wait(s.jobId)).toMatchObject({ phase: 'exited', exitCode: 0 });
      const remote = readFileSync(join(root, 'jobs', s.jobId, 'stdout.log'));
      expect(remote.length).toBeGreaterThan(12_000_000);
      expect(readFileSync(join(base, 'mirror3', s.jobId, 'stdout.log')).equals(remote)).toBe(true);
    } finally {
      await d.close();
    }
  });

  it('reports a failing job with its exit code and stderr tail; missing outputs are listed', async () => {
    const shell = new LocalShell();
    const d = new RemoteDispatcher({ kind: 'test', name: 'here', shell, launcher: new SetsidLauncher(), root: join(base, 'remote2'), mirrorRoot: join(base, 'mirror2'), pollMs: 50 });
    try {
      const s = { ...spec('fail', 'echo oops >&2; exit 7'), outputs: { model: 'model.pt' } };
      await d.submit(s);
      expect(await d.wait(s.jobId)).toMatchObject({ phase: 'exited', exitCode: 7 });
      const r = await d.collect(s.jobId);
      expect(r).toMatchObject({ exitCode: 7, missing: ['model'], stderrTail: 'oops\n', killedBy: null });
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
    } finally {
      await d.close();
    }
  });
});
