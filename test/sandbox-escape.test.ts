/**
 * The code interpreter (S9) against escape attempts, each through a real Kernel run on a
 * docker target (real dockerd, the offline python image): network, writes outside the work
 * dir, a fork bomb, memory exhaustion, an endless loop, huge output. Every attempt must be
 * contained AND reported — in the step's outputs (`contained`) or its failure class.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { requireDocker } from './services/dockerd';
import { runSandbox, useSandbox } from './sandbox-support';

describe.runIf(requireDocker())('sandbox.python: escape attempts are contained and reported', () => {
  const { env, open } = useSandbox();

  it('network: connecting to 1.1.1.1 and to a service on the host 127.0.0.1 both fail; the host service sees nobody', async () => {
    let accepted = 0;
    const server: Server = createServer((s) => {
      accepted++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const code = [
        'import socket',
        `for host, port in [("1.1.1.1", 53), ("127.0.0.1", ${port})]:`,
        '    s = socket.socket()',
        '    s.settimeout(3)',
        '    try:',
        '        s.connect((host, port)); print("CONNECTED", host)',
        '    except OSError as e:',
        '        print("blocked", host, e.errno)',
      ].join('\n');
      const r = await runSandbox(open(), { code });
      expect(r.state).toBe('COMPLETED');
      expect(r.outputs.exitCode).toBe(0);
      expect(r.outputs.stdout).not.toContain('CONNECTED');
      // ENETUNREACH: no route at all; ECONNREFUSED: 127.0.0.1 is the container's own loopback.
      expect(r.outputs.stdout).toBe('blocked 1.1.1.1 101\nblocked 127.0.0.1 111\n');
      expect(accepted).toBe(0);
    } finally {
      server.close();
    }
  });

  it('network: a step granting `net` is refused before anything runs (policy)', async () => {
    const r = await runSandbox(open(), { code: 'print(1)' }, { capabilities: ['net'] });
    expect(r.state).toBe('FAILED');
    expect(r.step.failure_class).toBe('policy');
    expect(r.step.error).toContain('refuses capability "net"');
    expect(r.step.job_id).toBeNull();
  });

  it('file system: writes to /etc, / and /usr fail (read-only root); the work dir and out/ are writable', async () => {
    const code = [
      'import os',
      'for p in ["/etc/evil", "/evil", "/usr/evil", "/usr/lib/python3/dist-packages/evil.py"]:',
      '    try:',
      '        open(p, "w").write("x"); print("WROTE", p)',
      '    except OSError as e:',
      '        print("blocked", p, e.errno)',
      'open("ok.txt", "w").write("fine")',
      'open("out/ok.txt", "w").write("fine")',
      'print("work dir ok", open("ok.txt").read())',
    ].join('\n');
    const r = await runSandbox(open(), { code });
    expect(r.state).toBe('COMPLETED');
    expect(r.outputs.stdout).not.toContain('WROTE');
    // EROFS for every path outside the work dir.
    expect(r.outputs.stdout.match(/^blocked .* 30$/gm)).toHaveLength(4);
    expect(r.outputs.stdout).toContain('work dir ok fine');
    expect(Object.keys(r.outputs.files)).toEqual(['out/ok.txt']);
  });

  it('a fork bomb hits the pids limit, the step ends, and the host can still start processes', async () => {
    const code = ['import os', 'while True:', '    try:', '        os.fork()', '    except OSError:', '        pass'].join('\n');
    const r = await runSandbox(open(), { code, timeoutSeconds: 5 });
    expect(r.state).toBe('COMPLETED');
    expect(r.outputs.contained).toEqual(expect.arrayContaining(['pids', 'timeout']));
    expect(r.outputs.exitCode).toBe(137);
    // The host is fine: it forks a process and no container of the run is left running.
    expect(spawnSync('true').status).toBe(0);
    expect(await env.docker.listContainers({ filters: { label: [`sgr.run=${r.runId}`], status: ['running'] } })).toEqual([]);
  });

  it('memory exhaustion is OOM-killed: the step fails with class oom and the report says memory', async () => {
    const code = ['x = []', 'while True:', '    x.append(bytearray(8 * 1024 * 1024))'].join('\n');
    const r = await runSandbox(open(), { code, memoryMb: 96 });
    expect(r.state).toBe('FAILED');
    expect(r.step.failure_class).toBe('oom');
    expect(r.step.error).toContain('ran out of memory');
    expect(r.step.error).toContain('contained: memory');
  });

  it('an endless loop is stopped by the time limit and reported as timeout', async () => {
    const r = await runSandbox(open(), { code: 'print("start", flush=True)\nwhile True:\n    pass', timeoutSeconds: 2 });
    expect(r.state).toBe('COMPLETED');
    expect(r.outputs.contained).toEqual(['timeout']);
    expect(r.outputs.exitCode).toBe(137);
    expect(r.outputs.stdout).toBe('start\n');
    expect(r.outputs.durationMs).toBeGreaterThanOrEqual(2000);
  });

  it('huge output is capped per stream and flagged truncated; the code still finishes', async () => {
    const code = ['import sys', 'for i in range(100000):', '    sys.stdout.write("x" * 99 + "\\n")', 'sys.stderr.write("e" * 5000)', 'print("never seen")'].join('\n');
    const r = await runSandbox(open(), { code, maxOutputBytes: 4096 });
    expect(r.state).toBe('COMPLETED');
    expect(r.outputs.exitCode).toBe(0);
    expect(Buffer.byteLength(r.outputs.stdout)).toBe(4096);
    expect(r.outputs.stderr).toHaveLength(4096);
    expect(r.outputs.truncated).toEqual({ stdout: true, stderr: true });
    expect(r.outputs.contained).toEqual(['output']);
  });
});
