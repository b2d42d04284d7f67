/** What the lifecycle needs from the kernel, passed explicitly (no globals). */
import type { Cas } from '../cas';
import type { Plan } from '../common/plan';
import type { Effects } from '../replay/effects';
import type { Scheduler } from '../sched/scheduler';
import type { SkillRegistry } from '../skills/registry';
import type { Journal } from '../store/journal';
import type { DispatcherLookup } from '../targets/registry';
import type { TargetConfig } from '../targets/schema';
import type { Lease } from '../store/lease';
import type { KernelBus } from './bus';

export interface KernelServices {
  journal: Journal;
  cas: Cas;
  skills: SkillRegistry;
  /** A step's dispatcher by target name (the kernel's TargetRegistry; a Map in replay's scratch services). */
  dispatchers: DispatcherLookup;
  /** A target's targets.yaml config (resources, maxJobs for the scheduler); undefined when unknown. */
  targetConfig(name: string): TargetConfig | undefined;
  bus: KernelBus;
  /** `$SGR_HOME/work`: per-step work directories live below it. */
  workRoot: string;
  /**
   * `$SGR_HOME/checkpoints`: `<runId>/<stepId>/` below it is the step's checkpoint
   * directory, the same for every attempt and every resume.
   */
  checkpointRoot: string;
  now(): number;
  /** Slots, priorities, quotas and preemption across processes (D6); absent: plan.concurrency only. */
  scheduler?: Scheduler;
}

export interface RunContext {
  runId: string;
  plan: Plan;
  /** null in replay, which never writes to the real journal. */
  lease: Lease | null;
  effects: Effects;
  startedAt: number;
  signal: AbortSignal;
  /**
   * Work started beside the run that must be done before the run is recorded as ended
   * (the manifest's code and environment snapshot). Must not reject.
   */
  settle?: Promise<unknown>;
  /**
   * false: never take a step's result from the cache (a re-run); results are still
   * committed to it. The lookup is still recorded (as a miss), so replay stays identical.
   */
  reuseCache?: boolean;
}
