/** Ctrl-C, resume of failed and aborted runs, and script edits invalidating the cache. */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureCli, ROOT, sgr, tempDir } from './helpers';

describe('interrupt and resume', () => {
  it('Ctrl-C cancels running jobs, exits 130 with the run ABORTED; resume completes it', async () => {
    const home = tempDir('sgr-int-');
    const file = join(home, 'x.yaml');
    writeFileSync(file, 'name: slow\nsteps:\n  a:\n    skill: shell\n    params: { command: \"[ \\\"$SGR_ATTEMPT\\\" -gt 1 ] || sleep 30; echo late > late.txt\" }\n  b:\n    skill: noop\n    deps: [a]\n');
    const child = spawn(process.execPath, [ensureCli(), 'run', file], { cwd: ROOT, env: { ...process.env, SGR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const started = Date.now();
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err).toMatch(/interrupting: cancelling running jobs/);
    const runId = out.split('\n')[0] as string;
    const show = JSON.parse((await sgr(home, ['show', runId, '--json'])).stdout) as { state: string; steps: Array<{ id: string; state: string }> };
    expect(show.state).toBe('ABORTED');
    expect(show.steps.map((s) => s.state)).toEqual(['ABORTED', 'ABORTED']);
    expect(existsSync(join(home, 'work', runId, 'a', 'a1', 'late.txt'))).toBe(false);

    // Resuming re-runs the aborted step (a new attempt) and completes the run.
    // Resume executes the plan recorded in the journal, not the file as it is now.
    writeFileSync(file, 'unused');
    const resumed = await sgr(home, ['resume', runId, '-q']);
    expect(resumed.code).toBe(0);
    const after = JSON.parse((await sgr(home, ['show', runId, '--json'])).stdout) as { state: string; steps: Array<{ attempt: number }> };
    expect(after.state).toBe('COMPLETED');
    expect(after.steps[0]?.attempt).toBe(2);
  }, 90_000);

  it('resume retries the failed steps of a FAILED run and keeps the committed ones', async () => {
    const home = tempDir('sgr-resume-failed-');
    const flag = join(home, 'fixed');
    const ledger = join(home, 'ledger');
    const file = join(home, 'x.yaml');
    writeFileSync(file, [
      'name: flaky',
      'steps:',
      '  ok:',
      '    skill: shell',
      `    params: { command: "echo ok >> ${ledger}" }`,
      '  needs_fix:',
      '    skill: shell',
      `    params: { command: "echo try >> ${ledger}; test -e ${flag}" }`,
      '  after:',
      '    skill: noop',
      '    deps: [ok, needs_fix]',
      '',
    ].join('\n'));
    const first = await sgr(home, ['run', file, '-q']);
    expect(first.code).toBe(1);
    const runId = first.stdout.split('\n')[0] as string;
    writeFileSync(flag, '');
    const resumed = await sgr(home, ['resume', runId, '-q']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const show = JSON.parse((await sgr(home, ['show', runId, '--json'])).stdout) as { state: string; steps: Array<{ id: string; state: string; attempt: number }> };
    expect(show.state).toBe('COMPLETED');
    expect(show.steps.map((s) => [s.id, s.state, s.attempt])).toEqual([['ok', 'COMPLETED', 1], ['needs_fix', 'COMPLETED', 2], ['after', 'COMPLETED', 1]]);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(ledger, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['ok', 'try', 'try']);
    expect((await sgr(home, ['replay', runId])).stdout).toMatch(/^identical — /m);
    expect((await sgr(home, ['resume', runId])).code).toBe(2);
  }, 60_000);

  it('editing a python script re-runs its step; an untouched re-run is all cache hits', async () => {
    const home = tempDir('sgr-script-');
    const script = join(home, 'hello.py');
    const file = join(home, 'x.yaml');
    writeFileSync(script, 'print("v1")\n');
    writeFileSync(file, 'name: py\nsteps:\n  hello:\n    skill: python\n    params: { script: hello.py }\n');
    const hit = async () => {
      const r = await sgr(home, ['run', file, '-q']);
      expect(r.code, r.stderr).toBe(0);
      const id = r.stdout.split('\n')[0] as string;
      const show = JSON.parse((await sgr(home, ['show', id, '--json'])).stdout) as { steps: Array<{ cacheHit: boolean }> };
      const logs = (await sgr(home, ['logs', id, 'hello'])).stdout;
      return { cacheHit: show.steps[0]?.cacheHit, logs };
    };
    expect(await hit()).toEqual({ cacheHit: false, logs: 'v1\n' });
    expect((await hit()).cacheHit).toBe(true);
    writeFileSync(script, 'print("v2")\n');
    expect(await hit()).toEqual({ cacheHit: false, logs: 'v2\n' });
  }, 60_000);
});
