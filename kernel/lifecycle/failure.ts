/** A step attempt failure with its class (K9), which decides whether it is retried. */
import type { FailureClass } from '../common/plan';

export class StepFailure extends Error {
  constructor(
    readonly failureClass: FailureClass,
    message: string,
  ) {
    super(message);
  }
}

/** Retries apply to these classes by default; `user_error` and `policy` fail at once. */
export function isRetryable(cls: FailureClass, on: readonly FailureClass[]): boolean {
  return on.includes(cls);
}

/** Exponential backoff with a ceiling. @example backoffMs({backoffMs:1000,factor:2,maxBackoffMs:60000}, 3) === 4000 */
export function backoffDelay(p: { backoffMs: number; factor: number; maxBackoffMs: number }, retry: number): number {
  return Math.min(p.maxBackoffMs, p.backoffMs * p.factor ** Math.max(0, retry - 1));
}
