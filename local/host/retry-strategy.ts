/**
 * EventBridge's push retry strategies (reference/fc.md §5): BACKOFF_RETRY = 3 retries, each after a random
 * 10–20 s; EXPONENTIAL_DECAY_RETRY = 176 retries after 1, 2, 4 … 256 s, then 512 s (167 times), about a
 * day. `MaximumRetryAttempts` replaces the count, `MaximumEventAgeInSeconds` stops retrying old events.
 */
import type { RunOptions } from './s-yaml.js';

type RetryStrategy = NonNullable<RunOptions['retryStrategy']>;

export const BACKOFF_RETRIES = 3;
export const EXPONENTIAL_RETRIES = 176;
const EXPONENTIAL_STEPS = 9;
const EXPONENTIAL_CAP_S = 512;

/** Milliseconds to wait before retry `retry` (1-based), or undefined when there is none. */
export type RetryPlan = (
  retry: number,
  context: { now: number; oldestEnqueueTime: number },
) => number | undefined;

export function retryPlan(
  strategy: RetryStrategy | undefined,
  random: () => number = Math.random,
): RetryPlan {
  const kind = strategy?.PushRetryStrategy ?? 'BACKOFF_RETRY';
  const defaultCount = kind === 'BACKOFF_RETRY' ? BACKOFF_RETRIES : EXPONENTIAL_RETRIES;
  const count = strategy?.MaximumRetryAttempts ?? defaultCount;
  const maxAgeMs =
    strategy?.MaximumEventAgeInSeconds === undefined ? Infinity : strategy.MaximumEventAgeInSeconds * 1000;
  return (retry, { now, oldestEnqueueTime }) => {
    if (retry < 1 || retry > count) return undefined;
    const delayMs =
      kind === 'BACKOFF_RETRY'
        ? 10_000 + Math.floor(random() * 10_001)
        : (retry <= EXPONENTIAL_STEPS ? 2 ** (retry - 1) : EXPONENTIAL_CAP_S) * 1000;
    if (now + delayMs - oldestEnqueueTime > maxAgeMs) return undefined;
    return delayMs;
  };
}
