/**
 * Probing this machine (the `local` target, which has no remote side to ask): CPUs, RAM and
 * NVIDIA GPUs through nvidia-smi when it is installed.
 */
import { execFile } from 'node:child_process';
import { availableParallelism, totalmem } from 'node:os';
import type { TargetProbe, TargetResources } from '../dispatch/types';

/** The query every probe sends to nvidia-smi (local, and remote over ssh). */
export const NVIDIA_SMI_QUERY = 'nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits';

/**
 * Parses the output of NVIDIA_SMI_QUERY; lines that do not parse are skipped.
 * @example parseNvidiaSmi('0, NVIDIA A100-SXM4-80GB, 81920\n') // [{ index: 0, model: 'NVIDIA A100-SXM4-80GB', memoryMb: 81920 }]
 */
export function parseNvidiaSmi(out: string): TargetResources['gpus'] {
  return out.split('\n').flatMap((line) => {
    const m = /^\s*(\d+)\s*,\s*(.+?)\s*,\s*(\d+)\s*$/.exec(line);
    return m ? [{ index: Number(m[1]), model: m[2]!, memoryMb: Number(m[3]) }] : [];
  });
}

function localGpus(): Promise<{ gpus: TargetResources['gpus']; detail: string }> {
  return new Promise((resolve) => {
    const [cmd, ...args] = NVIDIA_SMI_QUERY.split(' ');
    execFile(cmd!, args, { timeout: 10_000 }, (err, stdout) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        resolve({ gpus: [], detail: missing ? 'not installed (no NVIDIA GPUs seen)' : `failed: ${err.message.split('\n')[0]}` });
      } else resolve({ gpus: parseNvidiaSmi(stdout), detail: 'ok' });
    });
  });
}

/** @example (await probeLocal()).resources?.cpus // 8 */
export async function probeLocal(): Promise<TargetProbe> {
  const t0 = performance.now();
  const { gpus, detail } = await localGpus();
  return {
    ok: true,
    latencyMs: Math.round((performance.now() - t0) * 10) / 10,
    resources: { cpus: availableParallelism(), memoryMb: Math.round(totalmem() / 1024 / 1024), gpus },
    details: { platform: `${process.platform} ${process.arch}`, node: process.version, 'nvidia-smi': detail },
  };
}
