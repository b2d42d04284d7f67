import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from '../common/plan';
import { decideRetry, MAX_PREEMPTIONS, type RetryCounters } from './failure';

const fresh = (): RetryCounters => ({ retries: 0, lost: 0, preempted: 0 });

describe('decideRetry', () => {
  it('requeues preemptions at once without using retry.max, up to their own cap', () => {
    const c = fresh();
    const policy = { ...DEFAULT_RETRY, max: 0 };
    for (let i = 0; i < MAX_PREEMPTIONS; i++) expect(decideRetry('preempted', policy, c)).toEqual({ action: 'requeue' });
    expect(c.retries).toBe(0);
    const last = decideRetry('preempted', policy, c);
    expect(last.action).toBe('fail');
    expect(last).toMatchObject({ reason: expect.stringContaining(`limit of ${MAX_PREEMPTIONS}`) });
  });

  it('backs off ordinary retryable failures within retry.max, and honours retry.on', () => {
    const c = fresh();
    const policy = { ...DEFAULT_RETRY, max: 1 };
    expect(decideRetry('timeout', policy, c)).toEqual({ action: 'backoff', delayMs: 1000 });
    expect(decideRetry('timeout', policy, c)).toEqual({ action: 'fail' });
    expect(decideRetry('user_error', policy, fresh())).toEqual({ action: 'fail' });
    expect(decideRetry('preempted', { ...policy, on: ['timeout'] }, fresh())).toEqual({ action: 'fail' });
  });
});
