import { describe, expect, it } from 'vitest';
import { parseProbe } from './probe';

describe('parseProbe', () => {
  it('reads CPUs, memory and nvidia-smi GPUs', () => {
    const r = parseProbe('cpus=16\nmemkb=65536000\nkernel=Linux 6.1.0\ngpu=0, NVIDIA A100-SXM4-40GB, 40960 MiB\ngpu=1, NVIDIA A100-SXM4-40GB, 40960 MiB\n');
    expect(r).toEqual({ cpus: 16, memoryMb: 64000, kernel: 'Linux 6.1.0', gpus: [{ index: 0, model: 'NVIDIA A100-SXM4-40GB', memoryMb: 40960 }, { index: 1, model: 'NVIDIA A100-SXM4-40GB', memoryMb: 40960 }] });
    expect(parseProbe('cpus=2\nmemkb=2048\n').gpus).toEqual([]);
  });
});

describe('SshDispatcher.probe on a closed port', () => {
  it('fails with the target named once and the reason, never throws', async () => {
    const { createServer } = await import('node:net');
    const { SshDispatcher } = await import('./index');
    const { sshTargetSchema } = await import('../../targets/schema');
    // A port that was just free: nothing listens there now.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const target = sshTargetSchema.parse({ kind: 'ssh', host: '127.0.0.1', port, user: 'nobody', key: '/nonexistent-key' });
    const d = new SshDispatcher('down', target, { home: '/tmp', jobsRoot: '/tmp/sgr-probe-jobs', lookup: (n) => { throw new Error(`no ${n}`); } });
    const probe = await d.probe!();
    await d.close();
    expect(probe.ok).toBe(false);
    expect(probe.error).toMatch(/^target "down"/);
    expect(probe.error).not.toContain('target "down": target "down"');
  });
});
