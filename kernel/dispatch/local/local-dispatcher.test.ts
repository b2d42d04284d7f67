import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalDispatcher } from './local-dispatcher';
import { recorder, freshDispatcher, shellSpec, type Sandbox } from './test-support';

let box: Sandbox;
let d: LocalDispatcher;

freshDispatcher((b, x) => {
  box = b;
  d = x;
});

describe('LocalDispatcher: running jobs', () => {
  it('reports exit codes 0 and 3', async () => {
    const ok = await d.submit(shellSpec('run1.ok.1', box.work, 'exit 0'));
    expect(ok.phase).toBe('running');
    expect(ok.pid).toBeGreaterThan(1);
    await d.submit(shellSpec('run1.bad.1', box.work, 'exit 3'));
    expect(await d.wait('run1.ok.1')).toMatchObject({ phase: 'exited', exitCode: 0 });
    expect(await d.wait('run1.bad.1')).toMatchObject({ phase: 'exited', exitCode: 3 });
    expect((await d.collect('run1.bad.1')).exitCode).toBe(3);
    expect(await d.status('run1.bad.1')).toMatchObject({ phase: 'exited', exitCode: 3 });
  });

  it('captures stdout and stderr to files and streams them to the listener', async () => {
    const rec = recorder();
    const script = 'echo out1; echo err1 >&2; sleep 0.2; printf "out2 \\342\\202\\254\\n"; echo err2 >&2; exit 0';
    await d.submit(shellSpec('run1.logs.1', box.work, script), rec);
    await d.wait('run1.logs.1');
    expect(rec.stdout).toBe('out1\nout2 €\n');
    expect(rec.stderr).toBe('err1\nerr2\n');
    expect(await readFile(join(box.root, 'run1.logs.1', 'stdout.log'), 'utf8')).toBe('out1\nout2 €\n');
    expect(await d.readLog('run1.logs.1', 'stderr', 0, 1 << 20)).toEqual({ data: 'err1\nerr2\n', next: 10 });
    // Pages never split a character: 'out2 ' ends at byte 10; '€' is 3 bytes.
    expect(await d.readLog('run1.logs.1', 'stdout', 5, 7)).toEqual({ data: 'out2 ', next: 10 });
    expect(await d.readLog('run1.logs.1', 'stdout', 10, 7)).toEqual({ data: '€\n', next: 14 });
    expect((await d.collect('run1.logs.1')).stderrTail).toBe('err1\nerr2\n');
  });

  it('streams output while the job is still running', async () => {
    const rec = recorder();
    await d.submit(shellSpec('run1.live.1', box.work, 'echo first; sleep 2; echo second'), rec);
    const deadline = Date.now() + 1500;
    while (!rec.stdout.includes('first') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(rec.stdout).toBe('first\n');
    expect((await d.status('run1.live.1')).phase).toBe('running');
    await d.wait('run1.live.1');
    expect(rec.stdout).toBe('first\nsecond\n');
  });

  it('applies env, cwd and the SGR_* variables, quoting hostile values safely', async () => {
    const cwd = join(box.work, "dir with 'quotes' and $x");
    const nasty = `a'b"c $(touch pwned) \`x\` \\ \n;|&`;
    const spec = shellSpec('run1.env.1', cwd, 'pwd; printf "%s|" "$NASTY" "$SGR_JOB_ID" "$SGR_RUN_ID" "$SGR_STEP_ID" "$SGR_ATTEMPT" "$SGR_WORK_DIR" "$SGR_EVENTS_FILE"', {
      env: { NASTY: nasty, SGR_JOB_ID: 'spoofed' },
      attempt: 2,
    });
    const rec = recorder();
    await d.submit(spec, rec);
    expect(await d.wait(spec.jobId)).toMatchObject({ exitCode: 0 });
    const events = join(box.root, 'run1.env.1', 'events.jsonl');
    expect(rec.stdout).toBe(`${cwd}\n${nasty}|run1.env.1|run1|env|2|${cwd}|${events}|`);
    await expect(readFile(join(cwd, 'pwned'))).rejects.toThrow(/ENOENT/);
  });

  it('passes env names that bash treats specially (UID, SHELLOPTS, RANDOM) unchanged', async () => {
    const env = { UID: '4242', SHELLOPTS: 'custom', RANDOM: '7', BASH_ENV: '/nonexistent' };
    const spec = { ...shellSpec('run1.special.1', box.work, ''), env, argv: ['/usr/bin/env'] };
    await d.submit(spec);
    expect(await d.wait(spec.jobId)).toMatchObject({ exitCode: 0 });
    const lines = (await d.readLog(spec.jobId, 'stdout', 0, 1 << 20)).data.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['UID=4242', 'SHELLOPTS=custom', 'RANDOM=7', 'BASH_ENV=/nonexistent']));
    expect(lines.filter((l) => l.startsWith('SGR_REEXEC'))).toEqual([]);
  });

  it('runs argv without a shell, and reports a missing program as exit 127', async () => {
    await d.submit({ ...shellSpec('run1.argv.1', box.work, ''), argv: ['printf', '%s\\n', 'a b', "c'd"] });
    await d.submit({ ...shellSpec('run1.noprog.1', box.work, ''), argv: ['/no/such/program'] });
    expect(await d.wait('run1.argv.1')).toMatchObject({ exitCode: 0 });
    expect((await d.readLog('run1.argv.1', 'stdout', 0, 100)).data).toBe("a b\nc'd\n");
    expect(await d.wait('run1.noprog.1')).toMatchObject({ exitCode: 127 });
    expect((await d.collect('run1.noprog.1')).stderrTail).toMatch(/no\/such\/program/);
  });

  it('parses protocol events and turns garbage lines into warnings naming job and line', async () => {
    const script = [
      `printf '%s\\n' '{"type":"params","values":{"lr":0.1}}' >> "$SGR_EVENTS_FILE"`,
      `printf '%s\\n' '{"type":"metric","name":"loss","value":0.42,"step":10}' >> "$SGR_EVENTS_FILE"`,
      `printf '%s\\n' 'this is not json' >> "$SGR_EVENTS_FILE"`,
      `printf '%s\\n' '{"type":"metrc","name":"loss","value":1}' >> "$SGR_EVENTS_FILE"`,
      `printf '%s\\n' '{"type":"metric","name":"loss","value":NaN}' >> "$SGR_EVENTS_FILE"`,
      `printf '%s' '{"type":"output","name":"accuracy","value":0.91}' >> "$SGR_EVENTS_FILE"`, // no final newline
    ].join('\n');
    const rec = recorder();
    await d.submit(shellSpec('run1.proto.1', box.work, script), rec);
    await d.wait('run1.proto.1');
    const expected = [
      { type: 'params', values: { lr: 0.1 } },
      { type: 'metric', name: 'loss', value: 0.42, step: 10 },
      { type: 'output', name: 'accuracy', value: 0.91 },
    ];
    expect(rec.events).toEqual(expected);
    expect(rec.warnings).toEqual([
      'job run1.proto.1: events.jsonl line 3: not JSON: "this is not json" — ignored',
      'job run1.proto.1: events.jsonl line 4: unknown type "metrc" — ignored',
      expect.stringMatching(/^job run1\.proto\.1: events\.jsonl line 5: NaN/),
    ]);
    const result = await d.collect('run1.proto.1');
    expect(result.events).toEqual(expected);
    expect(result.warnings).toEqual(rec.warnings);
  });

  it('is idempotent by job id within one process and after the job ended', async () => {
    const ledger = join(box.work, 'ledger');
    const spec = shellSpec('run1.once.1', box.work, `echo ran >> '${ledger}'`);
    const [a, b] = await Promise.all([d.submit(spec), d.submit(spec)]);
    expect(a).toMatchObject({ phase: 'running' });
    expect(b.pid).toBe(a.pid); // the second call may already see it exited
    await d.wait(spec.jobId);
    expect(await d.submit(spec)).toMatchObject({ phase: 'exited', exitCode: 0 });
    const again = new LocalDispatcher({ root: box.root });
    expect(await again.submit(spec)).toMatchObject({ phase: 'exited', exitCode: 0 });
    await again.close();
    expect(await readFile(ledger, 'utf8')).toBe('ran\n');
  });

  it('lets a listener attached after the job ended still read everything', async () => {
    await d.submit(shellSpec('run1.late.1', box.work, 'echo hello; echo \'{"type":"heartbeat"}\' >> "$SGR_EVENTS_FILE"'));
    await d.wait('run1.late.1');
    const rec = recorder();
    await d.wait('run1.late.1', rec);
    expect(rec.stdout).toBe('hello\n');
    expect(rec.events).toEqual([{ type: 'heartbeat' }]);
  });

  it('creates a missing cwd and writes job.sh, spec.json, pid, started and exit', async () => {
    const cwd = join(box.work, 'a', 'b');
    const before = Date.now();
    await d.submit(shellSpec('run1.files.1', cwd, 'true'));
    await d.wait('run1.files.1');
    const dir = join(box.root, 'run1.files.1');
    const read = (f: string) => readFile(join(dir, f), 'utf8');
    expect(await read('exit')).toBe('0\n');
    expect(await read('pid')).toMatch(/^\d+ \d+\n$/);
    const started = Number(await read('started'));
    expect(started).toBeGreaterThanOrEqual(before - 5);
    expect(started).toBeLessThanOrEqual(Date.now());
    expect(JSON.parse(await read('spec.json')).jobId).toBe('run1.files.1');
    expect(await read('job.sh')).toMatch(/^exec '\/bin\/sh' '-c' 'true'$/m);
  });
});

describe('LocalDispatcher: errors', () => {
  it('rejects unsafe specs with a message naming the job', async () => {
    await expect(d.submit(shellSpec('../evil', box.work, 'true'))).rejects.toThrow(/job "\.\.\/evil": job id/);
    await expect(d.submit({ ...shellSpec('r.argv.1', box.work, ''), argv: [] })).rejects.toThrow(/job "r.argv.1": argv is empty/);
    await expect(d.submit(shellSpec('r.env.1', box.work, 'true', { env: { 'A-B': 'x' } }))).rejects.toThrow(/env name "A-B"/);
    await expect(d.submit(shellSpec('r.cwd.1', 'relative/dir', 'true'))).rejects.toThrow(/cwd must be an absolute path/);
  });

  it('names the job for unknown ids and refuses to collect a running job', async () => {
    await expect(d.wait('run1.nope.1')).rejects.toThrow(/job run1.nope.1: unknown to the local dispatcher/);
    await expect(d.collect('run1.nope.1')).rejects.toThrow(/job run1.nope.1: unknown/);
    await expect(d.readLog('run1.nope.1', 'stdout', 0, 10)).rejects.toThrow(/job run1.nope.1: unknown/);
    await expect(d.cancel('run1.nope.1', 'cancel')).rejects.toThrow(/job run1.nope.1: unknown/);
    expect(await d.status('run1.nope.1')).toEqual({ jobId: 'run1.nope.1', phase: 'unknown' });
    expect(await d.status('../../etc')).toEqual({ jobId: '../../etc', phase: 'unknown' });
    await d.submit(shellSpec('run1.slow.1', box.work, 'sleep 0.5'));
    await expect(d.collect('run1.slow.1')).rejects.toThrow(/job run1.slow.1: cannot collect while running/);
    await d.wait('run1.slow.1');
  });

  it('fails with a clear message when bash is missing', async () => {
    const nobash = new LocalDispatcher({ root: box.root, bashPath: '/nonexistent/bash' });
    await expect(nobash.submit(shellSpec('run1.nobash.1', box.work, 'true'))).rejects.toThrow(
      /cannot start the job launcher "\/nonexistent\/bash".*needs bash/,
    );
    await expect(nobash.wait('run1.nobash.1')).rejects.toThrow(/job run1.nobash.1: unknown/);
    await nobash.close();
  });

  it('refuses a shell that is not bash >= 4.2, quoting its reason', async () => {
    const dash = new LocalDispatcher({ root: box.root, bashPath: '/bin/sh' });
    await expect(dash.submit(shellSpec('run1.dash.1', box.work, 'true'))).rejects.toThrow(
      /job run1.dash.1: the job launcher "\/bin\/sh" exited \(code 2\) before it was ready: .*needs bash >= 4.2/,
    );
    await dash.close();
    // Nothing was started, so the same id can be submitted again once bash is there.
    expect(await d.submit(shellSpec('run1.dash.1', box.work, 'true'))).toMatchObject({ phase: 'running' });
    expect(await d.wait('run1.dash.1')).toMatchObject({ exitCode: 0 });
  });

  it('restarts the launcher after it died', async () => {
    await d.submit(shellSpec('run1.first.1', box.work, 'true'));
    await d.wait('run1.first.1');
    const children = (await readFile(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')).trim().split(' ');
    let killed = 0;
    for (const pid of children) {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmd.includes('set -m')) {
        process.kill(Number(pid), 'SIGKILL');
        killed++;
      }
    }
    expect(killed).toBe(1);
    // Submitted at once, the line may go to the dying launcher; it is then re-sent.
    await d.submit(shellSpec('run1.second.1', box.work, 'echo again'));
    expect(await d.wait('run1.second.1')).toMatchObject({ phase: 'exited', exitCode: 0 });
    await d.submit(shellSpec('run1.third.1', box.work, 'echo again'));
    expect(await d.wait('run1.third.1')).toMatchObject({ phase: 'exited', exitCode: 0 });
  });
});

describe('LocalDispatcher: job directories', () => {
  it('keeps a job dir that a crashed submit left half-written as lost', async () => {
    const dir = join(box.root, 'run1.half.1');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'spec.json'), JSON.stringify(shellSpec('run1.half.1', box.work, 'true')));
    expect(await d.status('run1.half.1')).toMatchObject({ phase: 'queued' });
    expect(await d.submit(shellSpec('run1.half.1', box.work, 'true'))).toMatchObject({ phase: 'lost', exitCode: null });
  });
});
