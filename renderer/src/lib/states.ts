import type { RunState, StepState } from '../../../kernel/common/plan';

// Listed here (types checked against the kernel's) so the bundle does not pull zod's runtime.
export const RUN_STATE_LIST = ['CREATED', 'PLANNED', 'RUNNING', 'COMPLETED', 'FAILED', 'ABORTED'] as const satisfies readonly RunState[];
export type { RunState, StepState };

/** Run states a run does not leave by itself (resume starts it again). */
export const ENDED_RUN_STATES: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'ABORTED'] satisfies RunState[]);
