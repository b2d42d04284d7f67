/** SshDispatcher against a real sshd: detached jobs, mirror, collect, cancel, re-attach. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshDispatcher } from '../kernel/dispatch/ssh';
import type { JobSpec, ProtocolEvent } from '../kernel/dispatch/types';
import type { SshTarget } from '../kernel/targets/schema';
import { startSshd, type Sshd } from './services/sshd';
import { until } from './helpers';

let sshd: Sshd;
const base = mkdtempSync(join(tmpdir(), 'sgr-ssh-disp-'));
const remoteRoot = join(base, 'remote');
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

function dispatcher(target: SshTarget = sshd.target({ root: remoteRoot, keepaliveMs: 500, keepaliveCountMax: 2 })): SshDispatcher {
  return new SshDispatcher('box', target, { home: base, jobsRoot: join(base, 'jobs', 'box'), lookup: () => { throw new Error('no lookup'); } }, { pollMs: 100, graceMs: 1000 });
}

let n = 0;
function spec(script: string, extra: Partial<JobSpec> = {}): JobSpec {
  const id = `r${++n}`;
  const cwd = join(base, 'work', id);
  mkdirSync(cwd, { recursive: true });
  return { jobId: `${id}.s.1`, runId: id, stepId: 's', attempt: 1, argv: ['/bin/sh', '-c', script], env: {}, cwd, timeoutMs: 0, outputs: {}, ...extra };
}

describe('SshDispatcher', () => {
  it('runs a job in the remote work dir with inputs, logs, events, outputs and a staged script', async () => {
    const d = dispatcher();
    try {
      const s = spec('', { outputs: { result: 'out/result.txt' } });
      mkdirSync(join(s.cwd, 'inputs'), { recursive: true });
      writeFileSync(join(s.cwd, 'inputs', 'in.txt'), 'input-data\n');
      const tool = join(base, 'tool.sh');
      writeFileSync(tool, '#!/bin/sh\necho "tool ran in $(pwd)"\n');
      s.argv = ['/bin/sh', '-c', `sh ${tool}; pwd; cat inputs/in.txt; mkdir -p out; echo 42 > out/result.txt; echo art > a.bin; echo warn >&2
printf '{"type":"metric","name":"loss","value":0.5,"step":1}\\n' >> "$SGR_EVENTS_FILE"
printf '{"type":"artifact","name":"extra","path":"%s/a.bin"}\\n' "$PWD" >> "$SGR_EVENTS_FILE"`];
      s.stage = [tool];
      const events: ProtocolEvent[] = [];
      let out = '';
      const submitted = await d.submit(s, { onLog: (stream, c) => stream === 'stdout' && (out += c), onEvent: (e) => events.push(e) });
      expect(['running', 'exited']).toContain(submitted.phase);
      const final = await d.wait(s.jobId);
      expect(final).toMatchObject({ phase: 'exited', exitCode: 0 });
      const remoteWork = join(remoteRoot, 'jobs', s.jobId, 'work');
      expect(out).toBe(`tool ran in ${remoteWork}\n${remoteWork}\ninput-data\n`);
      expect(out).not.toContain(s.cwd);
      expect(events).toContainEqual({ type: 'metric', name: 'loss', value: 0.5, step: 1 });
      const result = await d.collect(s.jobId);
      expect(result.missing).toEqual([]);
      expect(result.files.result).toBe(join(s.cwd, 'out', 'result.txt'));
      expect(readFileSync(result.files.result!, 'utf8')).toBe('42\n');
      expect(readFileSync(result.files.extra!, 'utf8')).toBe('art\n');
      expect(result.stderrTail).toBe('warn\n');
      expect(result.warnings).toEqual([]);
      expect(await d.readLog(s.jobId, 'stdout', 0, 1 << 20)).toMatchObject({ data: out });
      // The staged script lives in the content-addressed cache, not at its local path.
      expect(readFileSync(join(remoteRoot, 'jobs', s.jobId, 'job.sh'), 'utf8')).toMatch(new RegExp(`${remoteRoot}/stage/[0-9a-f]{64}/tool\\.sh`));
    } finally {
      await d.close();
    }
  });
});

/** A job printing `count` numbered lines, one every `everyS` seconds, then an output file. */
function counter(count: number, everyS: number, extra: Partial<JobSpec> = {}): JobSpec {
  return spec(`i=1; while [ $i -le ${count} ]; do echo "line $i"; printf '{"type":"metric","name":"i","value":%s,"step":%s}\\n' $i $i >> "$SGR_EVENTS_FILE"; sleep ${everyS}; i=$((i + 1)); done; echo finished > out.txt`, {
    outputs: { out: 'out.txt' },
    ...extra,
  });
}

function expectAllLines(out: string, count: number): void {
  expect(out).toBe(Array.from({ length: count }, (_, i) => `line ${i + 1}\n`).join(''));
}

const remoteFile = (jobId: string, name: string) => join(remoteRoot, 'jobs', jobId, name);
const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('SshDispatcher parallel', () => {
  it('runs many jobs at once over one connection', async () => {
    const d = dispatcher();
    const accepted = (): number => sshd.log().split('Accepted publickey').length - 1;
    const before = accepted();
    try {
      const specs = Array.from({ length: 6 }, (_, i) => spec(`sleep 0.5; echo job-${i} > o.txt`, { outputs: { o: 'o.txt' } }));
      await Promise.all(specs.map((s) => d.submit(s)));
      const finals = await Promise.all(specs.map((s) => d.wait(s.jobId)));
      expect(finals.map((f) => f.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
      const results = await Promise.all(specs.map((s) => d.collect(s.jobId)));
      expect(results.map((r) => readFileSync(r.files.o!, 'utf8'))).toEqual(specs.map((_, i) => `job-${i}\n`));
      expect(accepted() - before).toBe(1);
    } finally {
      await d.close();
    }
  });
});

describe('SshDispatcher probe', () => {
  it('reports CPUs, memory and the server banner; an unreachable target is ok: false with the reason', async () => {
    const d = dispatcher();
    const probe = await d.probe();
    await d.close();
    expect(probe.ok).toBe(true);
    expect(probe.resources?.cpus).toBeGreaterThan(0);
    expect(probe.resources?.memoryMb).toBeGreaterThan(0);
    expect(probe.details.server).toMatch(/^OpenSSH/);
    const down = dispatcher(sshd.target({ port: 1, root: remoteRoot }));
    const bad = await down.probe();
    await down.close();
    expect(bad).toMatchObject({ ok: false });
    expect(bad.error).toMatch(/target "box".*cannot connect/);
  });
});

describe('SshDispatcher faults', () => {
  it('a killed connection mid-job: the job keeps running, the dispatcher reconnects, every line arrives once', async () => {
    const d = dispatcher();
    const warnings: string[] = [];
    let out = '';
    try {
      const accepted = (): number => sshd.log().split('Accepted publickey').length - 1;
      const connectionsBefore = accepted();
      const s = counter(30, 0.1);
      await d.submit(s, { onLog: (stream, c) => stream === 'stdout' && (out += c), onWarning: (w) => warnings.push(w) });
      await until('a few lines', () => out.includes('line 3\n'));
      expect(sshd.killConnections()).toBeGreaterThan(0);
      const final = await d.wait(s.jobId);
      expect(final).toMatchObject({ phase: 'exited', exitCode: 0 });
      expectAllLines(out, 30);
      // The dispatcher connected again (a poll in flight at the kill also warns; one between polls need not).
      expect(accepted() - connectionsBefore).toBeGreaterThanOrEqual(2);
      const result = await d.collect(s.jobId);
      expect(readFileSync(result.files.out!, 'utf8')).toBe('finished\n');
      expect(result.events.filter((e) => e.type === 'metric')).toHaveLength(30);
    } finally {
      await d.close();
    }
  });

  it('a SIGSTOPped server: keepalive declares the connection dead, the dispatcher reconnects after SIGCONT', async () => {
    const d = dispatcher();
    const warnings: string[] = [];
    let out = '';
    try {
      const s = counter(25, 0.2);
      await d.submit(s, { onLog: (stream, c) => stream === 'stdout' && (out += c), onWarning: (w) => warnings.push(w) });
      await until('a few lines', () => out.includes('line 2\n'));
      sshd.pause();
      // keepaliveMs 500 × countMax 2: the silent server is given up on after about a second.
      await until('the keepalive to give up', () => warnings.some((w) => /reconnecting/.test(w)));
      sshd.resume();
      const final = await d.wait(s.jobId);
      expect(final).toMatchObject({ phase: 'exited', exitCode: 0 });
      expectAllLines(out, 25);
      expect(warnings.join('\n')).toMatch(/reconnected to ssh/);
    } finally {
      sshd.resume();
      await d.close();
    }
  });

  it('cancel kills the remote process group (children included)', async () => {
    const d = dispatcher();
    try {
      const s = spec('sleep 300 & echo $! > child.pid; echo $$ > main.pid; wait');
      await d.submit(s);
      const work = remoteFile(s.jobId, 'work');
      await until('the child pid', () => existsSync(join(work, 'child.pid')) && readFileSync(join(work, 'child.pid'), 'utf8').endsWith('\n'));
      const child = Number(readFileSync(join(work, 'child.pid'), 'utf8'));
      expect(pidAlive(child)).toBe(true);
      await d.cancel(s.jobId, 'cancel');
      const final = await d.wait(s.jobId);
      // TERM reached the job's shell: exit 143 recorded by the wrapper (not a KILL after the grace period).
      expect(final).toMatchObject({ phase: 'exited', killedBy: 'cancel', exitCode: 143 });
      await until('the child to die', () => !pidAlive(child), 10_000);
      const result = await d.collect(s.jobId);
      expect(result.killedBy).toBe('cancel');
    } finally {
      await d.close();
    }
  });

  it('preempt sends TERM so the job can checkpoint and exit 75; it is not a cancel', async () => {
    const d = dispatcher();
    try {
      const s = spec('trap \'echo checkpointed > ckpt.txt; exit 75\' TERM; echo ready; sleep 60 & wait', { outputs: { ckpt: 'ckpt.txt' } });
      let out = '';
      await d.submit(s, { onLog: (stream, c) => stream === 'stdout' && (out += c) });
      await until('the job to be ready', () => out.includes('ready'));
      await d.preempt(s.jobId, 5000);
      const final = await d.wait(s.jobId);
      expect(final).toMatchObject({ phase: 'exited', exitCode: 75 });
      expect(final.killedBy).toBeUndefined();
      const result = await d.collect(s.jobId);
      expect(readFileSync(result.files.ckpt!, 'utf8')).toBe('checkpointed\n');
    } finally {
      await d.close();
    }
  });

  it('timeoutMs is enforced on the remote side', async () => {
    const d = dispatcher();
    try {
      const s = spec('echo start; sleep 60', { timeoutMs: 1000 });
      await d.submit(s);
      const final = await d.wait(s.jobId);
      expect(final).toMatchObject({ phase: 'exited', killedBy: 'timeout', exitCode: 143 });
    } finally {
      await d.close();
    }
  });

  it('a new dispatcher re-attaches by job id: one remote job, one process ran it', async () => {
    const ledger = join(base, 'ledger-reattach');
    const first = dispatcher();
    const s = spec(`echo "$$" >> ${ledger}; i=1; while [ $i -le 10 ]; do echo "line $i"; sleep 0.15; i=$((i + 1)); done; echo finished > out.txt`, { outputs: { out: 'out.txt' } });
    await first.submit(s);
    await until('the job to start', () => existsSync(ledger));
    await first.close();
    // Same job id again from a fresh dispatcher (a restarted kernel): attach, never a second start.
    const second = dispatcher();
    let out = '';
    try {
      const again = await second.submit(s, { onLog: (stream, c) => stream === 'stdout' && (out += c) });
      expect(['running', 'exited']).toContain(again.phase);
      const final = await second.wait(s.jobId);
      expect(final).toMatchObject({ phase: 'exited', exitCode: 0 });
      expect(readFileSync(ledger, 'utf8').trim().split('\n')).toHaveLength(1);
      // The mirror continues from its last byte: the lines the first dispatcher saw are not repeated.
      expect(readFileSync(join(base, 'jobs', 'box', s.jobId, 'stdout.log'), 'utf8')).toBe(Array.from({ length: 10 }, (_, i) => `line ${i + 1}\n`).join(''));
      expect((await second.collect(s.jobId)).missing).toEqual([]);
      // wait() on a third dispatcher that never saw the job adopts it from the mirror.
      const third = dispatcher();
      expect(await third.wait(s.jobId)).toMatchObject({ phase: 'exited', exitCode: 0 });
      await third.close();
    } finally {
      await second.close();
    }
  });
});
