/** Kernel events (noun.pastTense), pushed to the CLI progress view and later to the UI. */
import type { FailureClass, Phase, RunState, StepState } from './plan';

export interface KernelEventMap {
  'run.stateChanged': { runId: string; state: RunState; error?: string | null };
  'step.stateChanged': {
    runId: string;
    stepId: string;
    state: StepState;
    attempt: number;
    cacheHit: boolean;
    failureClass?: FailureClass | null;
    error?: string | null;
    durationMs?: number | null;
  };
  'step.phaseEntered': { runId: string; stepId: string; attempt: number; phase: Phase };
  'step.logAppended': { runId: string; stepId: string; attempt: number; stream: 'stdout' | 'stderr'; text: string };
  'step.metricReported': { runId: string; stepId: string; name: string; value: number; step: number | null };
  'step.warned': { runId: string; stepId: string; message: string };
}

export type KernelEventName = keyof KernelEventMap;
