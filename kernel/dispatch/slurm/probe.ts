/** `sgr targets check` for a Slurm target: version, partition, and the largest node's resources. */
import type { SlurmTarget } from '../../targets/schema';
import type { RemoteShell } from '../remote/shell';
import type { TargetProbe, TargetResources } from '../types';

/**
 * GPUs from sinfo's `%G` (`gpu:2`, `gpu:a100:4(S:0-1)`, `(null)`).
 * @example parseGres('gpu:a100:2(S:0)') // [{ index: 0, model: 'a100', memoryMb: 0 }, { index: 1, model: 'a100', memoryMb: 0 }]
 */
export function parseGres(gres: string): TargetResources['gpus'] {
  const gpus: TargetResources['gpus'] = [];
  for (const item of gres.split(',')) {
    const m = item.match(/^gpu(?::([^:(]+))?:(\d+)/);
    if (!m) continue;
    for (let i = 0; i < Number(m[2]); i++) gpus.push({ index: gpus.length, model: m[1] ?? 'gpu', memoryMb: 0 });
  }
  return gpus;
}

/**
 * Never throws: a failure is `ok: false` naming the target and the fix.
 * @example await probeSlurm(new LocalShell(), 'cluster', target) // { ok: true, details: { version: 'slurm-wlm 22.05.8', partition: 'debug', … } }
 */
export async function probeSlurm(shell: RemoteShell, name: string, target: SlurmTarget): Promise<TargetProbe> {
  const t0 = Date.now();
  try {
    const part = target.partition ? ` -p '${target.partition.replaceAll("'", '')}'` : '';
    const r = await shell.exec(`sinfo --version && sinfo -h -N -o '%N|%c|%m|%G|%T|%P'${part}`);
    if (r.code !== 0) {
      return { ok: false, latencyMs: Date.now() - t0, details: {}, error: `target "${name}": sinfo failed on ${shell.describe} (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 300)} — is slurm-client installed and SLURM_CONF set for that login?` };
    }
    const [version = '', ...rows] = r.stdout.trim().split('\n');
    const nodes = rows.map((l) => l.split('|')).filter((f) => f.length >= 6);
    if (nodes.length === 0) return { ok: false, latencyMs: Date.now() - t0, details: { version }, error: `target "${name}": no nodes in partition ${target.partition ?? '(default)'}` };
    // The largest node bounds what one job can ask for.
    const best = nodes.reduce((a, b) => (Number(b[1]) > Number(a[1]) ? b : a));
    const resources: TargetResources = { cpus: Number(best[1]), memoryMb: Number(best[2]), gpus: parseGres(best[3]!) };
    const details: Record<string, string> = {
      version,
      partition: target.partition ?? nodes[0]![5]!.replace(/\*$/, ''),
      nodes: String(nodes.length),
      states: [...new Set(nodes.map((n) => n[4]))].join(','),
      via: shell.describe,
    };
    return { ok: true, latencyMs: Date.now() - t0, resources, details };
  } catch (err) {
    return { ok: false, latencyMs: Date.now() - t0, details: {}, error: `target "${name}": ${(err as Error).message}` };
  }
}
