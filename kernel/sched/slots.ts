/**
 * The executor's slot hooks (AttemptHooks.acquireSlot/releaseSlot) over the scheduler:
 * one queue entry per step attempt, keyed by its job id. Without a scheduler (a kernel
 * built without one) the run's own semaphore caps it at plan.concurrency, as before.
 */
import type { PlanStep, Resources } from '../common/plan';
import type { KernelServices, RunContext } from '../lifecycle/context';
import { jobIdFor } from '../lifecycle/job-exec';
import type { Semaphore } from '../lifecycle/semaphore';

export interface SlotHooks {
  reentering: boolean;
  acquireSlot(resources?: Resources): Promise<void>;
  releaseSlot(): void;
  /** True when the scheduler preempted this attempt (its exit then means "preempted"). */
  preempted(): boolean;
}

/** @example const hooks = slotHooks(k, run, step, 2, false, semaphore) */
export function slotHooks(k: KernelServices, run: RunContext, step: PlanStep, attempt: number, reentering: boolean, fallback: Semaphore): SlotHooks {
  const jobKey = jobIdFor(run.runId, step.id, attempt);
  const sched = k.scheduler;
  let held = false;
  let wasPreempted = false;
  return {
    reentering,
    acquireSlot: async (asked?: Resources) => {
      // A job's effective request (skill + step); in-process work passes none: the step's.
      const resources = asked ?? step.resources;
      if (sched) {
        await sched.acquire({
          jobKey, runId: run.runId, stepId: step.id, attempt, target: step.target, priority: step.priority ?? 0,
          preemptible: step.preemptible === true, runCap: run.plan.concurrency,
          ...(resources ? { resources } : {}),
        }, run.signal);
      } else {
        await fallback.acquire();
      }
      held = true;
    },
    releaseSlot: () => {
      if (!held) return;
      held = false;
      if (sched) {
        sched.release(jobKey);
        wasPreempted = sched.takePreempted(jobKey) || wasPreempted;
      } else {
        fallback.release();
      }
    },
    preempted: () => wasPreempted || (sched?.takePreempted(jobKey) ?? false),
  };
}
