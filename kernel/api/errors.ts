/** Errors the kernel facade reports to its callers, each with a stable code (CLI exit codes map from it). */
import type { PlanIssue } from '../common/plan';

export class KernelError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'INVALID_PLAN' | 'BAD_STATE' | 'AMBIGUOUS' | 'BAD_INPUT',
    message: string,
  ) {
    super(message);
  }
}

export class PlanInvalidError extends KernelError {
  constructor(readonly issues: PlanIssue[]) {
    super('INVALID_PLAN', issues.map((i) => `${i.stepId ? `step "${i.stepId}" ` : ''}${i.field}: ${i.message}`).join('\n'));
  }
}
