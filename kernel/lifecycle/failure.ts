/** A step attempt failure with its class (K9), which decides whether it is retried. */
import type { FailureClass, RetryPolicy } from '../common/plan';

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

/** Preemptions a step may take in one process before it fails; they never use `retry.max`. */
export const MAX_PREEMPTIONS = 20;
/** Attempts lost in a row (vanished jobs); they never use `retry.max` either. */
export const MAX_LOST_IN_A_ROW = 3;

/** What a step has used up of its retry budgets in this process (a resume starts afresh). */
export interface RetryCounters {
  retries: number;
  lost: number;
  preempted: number;
}

/**
 * What follows a failed attempt: `fail`, `requeue` at once (a preempted or lost job —
 * not the step's fault), or `backoff` then retry. Updates `counters`.
 * @example decideRetry('preempted', { ...DEFAULT_RETRY, max: 0 }, counters) → { action: 'requeue' }
 */
export function decideRetry(
  cls: FailureClass,
  policy: RetryPolicy,
  counters: RetryCounters,
): { action: 'fail'; reason?: string } | { action: 'requeue' } | { action: 'backoff'; delayMs: number } {
  if (cls === 'lost') return ++counters.lost <= MAX_LOST_IN_A_ROW ? { action: 'requeue' } : { action: 'fail' };
  if (!isRetryable(cls, policy.on)) return { action: 'fail' };
  if (cls === 'preempted') {
    if (++counters.preempted <= MAX_PREEMPTIONS) return { action: 'requeue' };
    return { action: 'fail', reason: `preempted ${counters.preempted} times, more than the limit of ${MAX_PREEMPTIONS}; giving up` };
  }
  if (counters.retries >= policy.max) return { action: 'fail' };
  counters.retries++;
  return { action: 'backoff', delayMs: backoffDelay(policy, counters.retries) };
}
