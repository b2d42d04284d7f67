/** The `sgr` CLI as scripts use it: first-line run id, --json, exit codes, errors that point into the file. */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sgr, tempDir } from './helpers';

const EXAMPLE = 'examples/fanout/experiment.yaml';

describe('sgr CLI', () => {
  it('runs the example: run id first, progress on stderr, show/runs/logs/replay in JSON', async () => {
    const home = tempDir('sgr-cli-');
    const run = await sgr(home, ['run', EXAMPLE]);
    expect(run.code, run.stderr).toBe(0);
    const runId = run.stdout.split('\n')[0] as string;
    expect(runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(run.stderr).toMatch(/✓ generate/);
    expect(run.stderr).toMatch(/6\/6 done · 0 running · 0 failed · 0 cached/);

    const show = JSON.parse((await sgr(home, ['show', runId.slice(0, 17), '--json'])).stdout) as { state: string; steps: Array<{ id: string; state: string; outputs: Record<string, unknown> }> };
    expect(show.state).toBe('COMPLETED');
    expect(show.steps.map((s) => s.id)).toEqual(['generate', 'shard_0', 'shard_1', 'shard_2', 'merge', 'summary']);
    expect(show.steps.find((s) => s.id === 'summary')?.outputs.mean).toBe(499.5);

    const runs = JSON.parse((await sgr(home, ['runs', '--json'])).stdout) as Array<{ id: string; state: string }>;
    expect(runs).toEqual([expect.objectContaining({ id: runId, state: 'COMPLETED' })]);

    const logs = await sgr(home, ['logs', runId, 'shard_1']);
    expect(logs.stdout).toBe('shard 1/3: 1000 numbers, mean 499.50\n');

    const replay = JSON.parse((await sgr(home, ['replay', runId, '--json'])).stdout) as { identical: boolean; compared: number };
    expect(replay).toMatchObject({ identical: true, compared: 6 });

    const again = await sgr(home, ['run', EXAMPLE, '--json', '-q']);
    expect(again.code).toBe(0);
    const secondId = again.stdout.split('\n')[0] as string;
    expect(JSON.parse(again.stdout.slice(secondId.length + 1))).toMatchObject({ runId: secondId, state: 'COMPLETED' });
    const show2 = await sgr(home, ['show', secondId]);
    expect(show2.stdout.match(/ hit /g)).toHaveLength(6);
  });

  it('streams job output live with --logs, each line prefixed with its step', async () => {
    const home = tempDir('sgr-cli-');
    const file = join(home, 'talk.yaml');
    writeFileSync(file, 'name: talk\nsteps:\n  say:\n    skill: shell\n    params: { command: "printf \'one\\ntwo\\n\'; echo oops >&2" }\n');
    const r = await sgr(home, ['run', file, '--logs']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('  say| one\n  say| two\n');
    expect(r.stderr).toContain('  say! oops\n');
  });

  it('cas verify names a corrupt blob and exits 4; cas gc keeps what runs reference', async () => {
    const home = tempDir('sgr-cli-');
    const file = join(home, 'one.yaml');
    writeFileSync(file, 'name: one\nsteps:\n  w:\n    skill: shell\n    params: { command: "echo hello > h.txt", outputs: { h: h.txt } }\n');
    const run = await sgr(home, ['run', file, '-q']);
    const runId = run.stdout.split('\n')[0] as string;
    const show = JSON.parse((await sgr(home, ['show', runId, '--json'])).stdout) as { steps: Array<{ outputs: { h: { $artifact: string } } }> };
    const digest = show.steps[0]?.outputs.h.$artifact as string;
    const gc = await sgr(home, ['cas', 'gc', '--grace', '0']);
    expect(gc.stdout).toMatch(/^deleted 0 unreferenced blobs \(0 bytes\), kept 1,/);
    expect((await sgr(home, ['cas', 'verify'])).code).toBe(0);

    const hex = digest.slice('sha256:'.length);
    const blob = join(home, 'cas', 'sha256', hex.slice(0, 2), hex.slice(2));
    chmodSync(blob, 0o644);
    writeFileSync(blob, 'jello\n');
    const verify = await sgr(home, ['cas', 'verify']);
    expect(verify.code).toBe(4);
    expect(verify.stdout).toContain(`CORRUPT ${digest}`);
  });

  it('exits 1 when a step fails, naming the step', async () => {
    const home = tempDir('sgr-cli-');
    const file = join(home, 'fail.yaml');
    writeFileSync(file, 'name: f\nsteps:\n  boom:\n    skill: shell\n    params: { command: "exit 7" }\n');
    const r = await sgr(home, ['run', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✗ boom \[user_error\] step "boom": command exited with code 7/);
    expect(r.stderr).toMatch(/FAILED: step boom failed/);
  });

  it('exits 2 with file:line:col for every problem of a bad experiment, running nothing', async () => {
    const home = tempDir('sgr-cli-');
    const file = join(home, 'bad.yaml');
    writeFileSync(file, [
      'name: bad',
      'steps:',
      '  a:',
      '    skill: shel',
      '    params: { command: "echo" }',
      '  b:',
      '    skill: noop',
      '    deps: [c]',
      '  c:',
      '    skill: noop',
      '    params: { x: "${steps.b.outputs.y}" }',
      '',
    ].join('\n'));
    const r = await sgr(home, ['run', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}:4:12: steps.a.skill: unknown skill "shel" — did you mean "shell"?`);
    expect(r.stderr).toMatch(new RegExp(`${file}:8:\\d+: steps.b.deps: dependency cycle: b → c → b`));
    expect((await sgr(home, ['runs', '--json'])).stdout.trim()).toBe('[]');
  });

  it('exits 2 on YAML errors and 5 on unknown run ids', async () => {
    const home = tempDir('sgr-cli-');
    const file = join(home, 'syntax.yaml');
    writeFileSync(file, 'name: x\nsteps:\n  a: { skill: noop\n');
    const r = await sgr(home, ['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: `));
    const missing = await sgr(home, ['show', 'nope']);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/no run with id "nope"/);
    const noFile = await sgr(home, ['run', join(home, 'absent.yaml')]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/absent\.yaml.*no such file/);
  });

  it('follows the logs of a running step until the run ends', async () => {
    const home = tempDir('sgr-cli-');
    const file = join(home, 'slow.yaml');
    writeFileSync(file, 'name: slow\nsteps:\n  tick:\n    skill: shell\n    params: { command: "for i in 1 2 3 4; do echo tick $i; sleep 0.3; done" }\n');
    const running = sgr(home, ['run', file, '-q']);
    let runId = '';
    for (let i = 0; i < 50 && !runId; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const list = JSON.parse((await sgr(home, ['runs', '--json'])).stdout) as Array<{ id: string }>;
      runId = list[0]?.id ?? '';
    }
    const follow = await sgr(home, ['logs', runId, 'tick', '--follow']);
    expect((await running).code).toBe(0);
    expect(follow.stdout).toBe('tick 1\ntick 2\ntick 3\ntick 4\n');
  });
});
