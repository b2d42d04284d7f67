import { describe, expect, it } from 'vitest';
import { parseProbe } from './probe';

describe('parseProbe', () => {
  it('reads CPUs, memory and nvidia-smi GPUs', () => {
    const r = parseProbe('cpus=16\nmemkb=65536000\nkernel=Linux 6.1.0\ngpu=0, NVIDIA A100-SXM4-40GB, 40960 MiB\ngpu=1, NVIDIA A100-SXM4-40GB, 40960 MiB\n');
    expect(r).toEqual({ cpus: 16, memoryMb: 64000, kernel: 'Linux 6.1.0', gpus: [{ index: 0, model: 'NVIDIA A100-SXM4-40GB', memoryMb: 40960 }, { index: 1, model: 'NVIDIA A100-SXM4-40GB', memoryMb: 40960 }] });
    expect(parseProbe('cpus=2\nmemkb=2048\n').gpus).toEqual([]);
  });
});
