/**
 * What a target can run at once (D6): jobs, CPUs and GPUs, from its declared resources in
 * targets.yaml. Undeclared maxJobs: the declared CPUs; without those, local runs as many
 * jobs as the machine has CPUs but at least 4 (the default plan concurrency — many steps
 * wait on I/O or sleep, and a 2-core laptop should not halve a plan's parallelism), any
 * other target 4. CPUs and GPUs are accounted only where the target declares them.
 */
import { cpus as osCpus } from 'node:os';
import type { z } from 'zod';
import type { targetResourcesSchema } from '../targets/schema';

export type DeclaredResources = z.infer<typeof targetResourcesSchema>;

export interface TargetCapacity {
  maxJobs: number;
  maxJobsPerRun: number | null;
  /** null: not declared, not accounted. */
  cpus: number | null;
  gpus: number | null;
  /** Bound of the target's waiting queue (backpressure). */
  maxQueued: number;
}

/** Jobs waiting for one target at most, across all processes (`SGR_QUEUE_MAX` overrides). */
export const DEFAULT_MAX_QUEUED = 1000;

/** @example capacityOf('local', { maxJobs: 2 }).maxJobs === 2 */
export function capacityOf(target: string, declared: DeclaredResources | undefined, env: NodeJS.ProcessEnv = process.env): TargetCapacity {
  const cpus = declared?.cpus ?? null;
  const fallback = target === 'local' ? Math.max(4, osCpus().length) : 4;
  const envMax = Number(env.SGR_QUEUE_MAX);
  return {
    maxJobs: declared?.maxJobs ?? (cpus !== null ? Math.max(1, Math.floor(cpus)) : fallback),
    maxJobsPerRun: declared?.maxJobsPerRun ?? null,
    cpus,
    gpus: declared?.gpus ? declared.gpus.length : null,
    maxQueued: Number.isInteger(envMax) && envMax > 0 ? envMax : DEFAULT_MAX_QUEUED,
  };
}
