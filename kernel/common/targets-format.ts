/** Words for target resources and probes, shared by `sgr targets` and the Targets page. */

export interface ResourcesLike {
  cpus?: number;
  memoryMb?: number;
  gpus?: ReadonlyArray<{ model: string; memoryMb?: number }>;
}

/** @example formatMb(81920) // '80 GiB' */
export function formatMb(mb: number): string {
  if (mb >= 1024) {
    const gib = mb / 1024;
    return `${gib >= 100 || Number.isInteger(gib) ? Math.round(gib) : gib.toFixed(1)} GiB`;
  }
  return `${mb} MiB`;
}

/**
 * GPUs grouped by model and memory: `2× NVIDIA A100 (80 GiB)`.
 * @example formatGpus([{ model: 'A100', memoryMb: 81920 }, { model: 'A100', memoryMb: 81920 }]) // '2× A100 (80 GiB)'
 */
export function formatGpus(gpus: ReadonlyArray<{ model: string; memoryMb?: number }>): string {
  const groups = new Map<string, number>();
  for (const g of gpus) {
    const label = g.memoryMb ? `${g.model} (${formatMb(g.memoryMb)})` : g.model;
    groups.set(label, (groups.get(label) ?? 0) + 1);
  }
  return [...groups].map(([label, n]) => (n > 1 ? `${n}× ${label}` : label)).join(', ');
}

/**
 * @example formatResources({ cpus: 32, memoryMb: 262144, gpus: [] }) // '32 CPUs, 256 GiB RAM, no GPUs'
 */
export function formatResources(r: ResourcesLike | null | undefined, opts: { sayNoGpus?: boolean } = {}): string {
  if (!r) return '';
  const parts: string[] = [];
  if (r.cpus !== undefined) parts.push(`${r.cpus} CPU${r.cpus === 1 ? '' : 's'}`);
  if (r.memoryMb !== undefined) parts.push(`${formatMb(r.memoryMb)} RAM`);
  if (r.gpus && r.gpus.length > 0) parts.push(`GPUs: ${formatGpus(r.gpus)}`);
  else if (r.gpus && opts.sayNoGpus) parts.push('no GPUs');
  return parts.join(', ');
}
