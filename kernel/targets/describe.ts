/** How a target is shown to humans (targets.list, `sgr targets list`): never a secret, never a key path. */
import type { TargetInfo } from '../common/contract-targets';
import type { TargetRegistry } from './registry';
import type { TargetConfig } from './schema';

/**
 * @example targetAddress({ kind: 'ssh', host: 'gpu1.lab', user: 'me', port: 22, … }) // 'me@gpu1.lab:22'
 */
export function targetAddress(t: TargetConfig): string | null {
  switch (t.kind) {
    case 'local':
      return null;
    case 'docker':
      return [t.socket ?? 'default docker socket', t.image ? `image ${t.image}` : null].filter(Boolean).join(', ');
    case 'ssh':
      return `${t.user}@${t.host}:${t.port}${t.jump ? ` via ${t.jump}` : ''}`;
    case 'slurm':
      return [t.ssh ? `via ${t.ssh}` : 'this machine', t.partition ? `partition ${t.partition}` : null, t.account ? `account ${t.account}` : null].filter(Boolean).join(', ');
  }
}

/**
 * Every usable target with its declared resources and last probe (targets.list, `sgr targets list`).
 * A target whose last check failed is unavailable until a check passes; one never checked is available.
 * @example targetInfos(kernel.dispatchers)[0] // { name: 'local', kind: 'local', available: true, … }
 */
export function targetInfos(reg: TargetRegistry): TargetInfo[] {
  const probes = reg.lastProbes();
  return reg.usableNames().map((name) => {
    const t = reg.config(name)!;
    const lastProbe = probes[name] ?? null;
    return {
      name, kind: t.kind, available: lastProbe ? lastProbe.ok : true,
      description: t.description ?? null, resources: t.resources ?? null, address: targetAddress(t), lastProbe,
    };
  });
}
