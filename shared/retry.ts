import type { Clock } from './clock.js';
import { Timeout } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound on the time spent across all attempts and waits. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
  maxTotalMs: 8_000,
};

export interface RetryOptions {
  policy: RetryPolicy;
  clock: Clock;
  /** Epoch ms after which no attempt may start or wait (e.g. the FC deadline). */
  deadline?: number;
  isRetryable: (error: unknown) => boolean;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** Exponential backoff with full jitter: a uniform wait in [0, min(max, base·2^(attempt-1))). */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the budget (attempts, total time,
 * deadline) is spent; then the last error is rethrown. `attempt` receives the time it may use, in ms.
 */
export async function withRetry<T>(
  attempt: (remainingMs: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { policy, clock, isRetryable } = options;
  const random = options.random ?? Math.random;
  const started = clock.now();
  const stopAt = Math.min(started + policy.maxTotalMs, options.deadline ?? Number.POSITIVE_INFINITY);

  for (let n = 1; ; n++) {
    const remaining = stopAt - clock.now();
    if (remaining <= 0) throw Timeout('No time left before the deadline to call the upstream service');
    try {
      return await attempt(remaining);
    } catch (error) {
      if (n >= policy.maxAttempts || !isRetryable(error)) throw error;
      const delayMs = backoffDelay(n, policy, random);
      // A wait that would end past the budget cannot lead to a useful attempt.
      if (clock.now() + delayMs >= stopAt) throw error;
      options.onRetry?.({ attempt: n, delayMs, error });
      await clock.sleep(delayMs);
    }
  }
}
