/** The sandbox as data: what containerOptions asks the engine for (GPU requests cannot be run here). */
import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../types';
import { containerName, containerOptions, jobMounts } from './container-spec';
import { dockerJobPaths } from './job-files';

const spec: JobSpec = {
  jobId: 'r1.train.1', runId: 'r1', stepId: 'train', attempt: 1, argv: ['python3', 'train.py'], env: { A: '1' },
  cwd: '/h/work/r1/train/a1', timeoutMs: 0, outputs: {}, checkpointDir: '/h/checkpoints/r1/train',
  stage: ['/h/work/r1/train/a1/inside.py', '/opt/sdk'],
};
const paths = dockerJobPaths('/h/jobs/box', spec.jobId);
const ctx = { targetName: 'box', target: { kind: 'docker' as const, image: 'img:1', memoryMb: 512, cpus: 1.5 }, home: '/h', paths, user: '1000:1000' };

describe('containerOptions', () => {
  it('names containers after the job id, hashing ids Docker would refuse', () => {
    expect(containerName('r1.train.1')).toBe('sgr-r1.train.1');
    expect(containerName('r1.a:b.1')).toMatch(/^sgr-r1\.a_b\.1-[0-9a-f]{8}$/);
    expect(containerName('r1.a:b.1')).not.toBe(containerName('r1.a_b.1'));
  });

  it('uses target defaults, swap = memory, GPUs only with the gpu capability, net only with net', () => {
    const o = containerOptions(spec, ctx);
    expect(o.Image).toBe('img:1');
    expect(o.Entrypoint).toEqual(['python3']);
    expect(o.Cmd).toEqual(['train.py']);
    expect(o.HostConfig).toMatchObject({ NanoCpus: 1_500_000_000, Memory: 512 * 2 ** 20, MemorySwap: 512 * 2 ** 20, NetworkMode: 'none', Init: true });
    expect(o.HostConfig!.DeviceRequests).toBeUndefined();
    expect(o.Env).toContain(`SGR_EVENTS_FILE=${paths.events}`);
    const gpu = containerOptions({ ...spec, resources: { gpus: 2, memoryMb: 64 }, capabilities: ['gpu', 'net'] }, { ...ctx, target: { ...ctx.target, network: 'lab' } });
    expect(gpu.HostConfig).toMatchObject({ Memory: 64 * 2 ** 20, NetworkMode: 'lab', DeviceRequests: [{ Driver: 'nvidia', Count: 2, Capabilities: [['gpu']] }] });
    expect(() => containerOptions({ ...spec, resources: { gpus: 1 } }, ctx)).toThrow(/step "train" asks for 1 GPU\(s\) but lacks the gpu capability/);
  });

  it('mounts rw dirs once and skips read-only mounts already inside them', () => {
    const mounts = jobMounts(spec, { kind: 'docker', mounts: ['/data:/datasets'] }, paths);
    expect(mounts.map((m) => `${m.Source}:${m.Target}:${m.ReadOnly ? 'ro' : 'rw'}`)).toEqual([
      '/h/work/r1/train/a1:/h/work/r1/train/a1:rw',
      '/h/jobs/box/r1.train.1/io:/h/jobs/box/r1.train.1/io:rw',
      '/h/checkpoints/r1/train:/h/checkpoints/r1/train:rw',
      '/opt/sdk:/opt/sdk:ro',
      '/data:/datasets:ro',
    ]);
  });
});
