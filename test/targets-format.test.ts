/** Words for resources and nvidia-smi parsing, shared by the CLI, the Targets page and remote probes. */
import { describe, expect, it } from 'vitest';
import { formatGpus, formatMb, formatResources } from '../kernel/common/targets-format';
import { targetAddress } from '../kernel/targets/describe';
import { parseNvidiaSmi } from '../kernel/targets/probe-local';

describe('targets format', () => {
  it('parses nvidia-smi CSV lines and skips the rest', () => {
    const out = '0, NVIDIA A100-SXM4-80GB, 81920\n1, NVIDIA A100-SXM4-80GB, 81920\nNVIDIA-SMI has failed\n\n';
    expect(parseNvidiaSmi(out)).toEqual([
      { index: 0, model: 'NVIDIA A100-SXM4-80GB', memoryMb: 81920 },
      { index: 1, model: 'NVIDIA A100-SXM4-80GB', memoryMb: 81920 },
    ]);
  });

  it('groups GPUs by model and memory and formats sizes', () => {
    expect(formatMb(512)).toBe('512 MiB');
    expect(formatMb(24106)).toBe('23.5 GiB');
    expect(formatMb(262144)).toBe('256 GiB');
    expect(formatGpus([{ model: 'A100', memoryMb: 81920 }, { model: 'T4' }, { model: 'A100', memoryMb: 81920 }])).toBe('2× A100 (80 GiB), T4');
    expect(formatResources({ cpus: 1, memoryMb: 2048, gpus: [] }, { sayNoGpus: true })).toBe('1 CPU, 2 GiB RAM, no GPUs');
    expect(formatResources({ cpus: 1, memoryMb: 2048, gpus: [] })).toBe('1 CPU, 2 GiB RAM');
    expect(formatResources(null)).toBe('');
  });

  it('names where a target is without secrets', () => {
    const ssh = { kind: 'ssh', host: 'gpu1.lab', user: 'me', port: 22, key: '/home/me/.ssh/id', passphraseEnv: 'P', jump: 'login', keepaliveMs: 5000, keepaliveCountMax: 3 } as const;
    expect(targetAddress(ssh)).toBe('me@gpu1.lab:22 via login');
    expect(targetAddress({ kind: 'slurm', ssh: 'login', partition: 'gpu', signalSeconds: 60, defaults: {} })).toBe('via login, partition gpu');
    expect(targetAddress({ kind: 'local' })).toBeNull();
  });
});
