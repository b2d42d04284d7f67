/** SshDispatcher against a real sshd: detached jobs, mirror, collect, cancel, re-attach. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshDispatcher } from '../kernel/dispatch/ssh';
import type { JobSpec, ProtocolEvent } from '../kernel/dispatch/types';
import type { SshTarget } from '../kernel/targets/schema';
import { startSshd, type Sshd } from './services/sshd';

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
