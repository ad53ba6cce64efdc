import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCode, isRetryable, Throttled, ValidationError } from '../../shared/errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from '../../shared/retry.js';
import { fakeClock } from '../helpers/fc.js';

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({
  maxAttempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  maxTotalMs: 60_000,
  ...over,
});

/** An attempt that fails `failures` times with `error`, spending `costMs` of fake time each call. */
function flaky(
  clock: ReturnType<typeof fakeClock>,
  failures: number,
  error: unknown = Throttled('busy'),
  costMs = 0,
) {
  const budgets: number[] = [];
  const attempt = async (remainingMs: number) => {
    budgets.push(remainingMs);
    clock.advance(Math.min(costMs, remainingMs));
    if (budgets.length <= failures) throw error;
    return 'done';
  };
  return { attempt, budgets };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('backoffDelay (exponential backoff with full jitter)', () => {
  it('stays within [0, min(maxDelay, base·2^(attempt-1))) for any random draw (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseDelayMs, maxDelayMs, r) => {
          const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          const delay = backoffDelay(attempt, policy({ baseDelayMs, maxDelayMs }), () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
          expect(delay).toBe(Math.floor(r * ceiling));
        },
      ),
    );
  });

  it('spreads waits over the whole range, not around a fixed point', () => {
    const p = policy({ baseDelayMs: 1_000, maxDelayMs: 1_000 });
    expect(backoffDelay(1, p, () => 0)).toBe(0);
    expect(backoffDelay(1, p, () => 0.999)).toBe(999);
    expect(backoffDelay(3, policy(), () => 0.5)).toBe(200);
    expect(backoffDelay(10, policy(), () => 0.5)).toBe(500);
  });

  it('stays within bounds with the default random source', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const ceiling = Math.min(
        DEFAULT_RETRY_POLICY.maxDelayMs,
        DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** (attempt - 1),
      );
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelay(attempt, DEFAULT_RETRY_POLICY);
        expect(delay >= 0 && delay < ceiling).toBe(true);
      }
    }
  });
});

describe('withRetry', () => {
  it('returns the first success after retryable failures, waiting the jittered delays', async () => {
    const clock = fakeClock();
    const { attempt, budgets } = flaky(clock, 2);
    const seen: { attempt: number; delayMs: number }[] = [];
    const result = await withRetry(attempt, {
      policy: policy(),
      clock,
      isRetryable,
      random: () => 0.5,
      onRetry: ({ attempt: n, delayMs }) => seen.push({ attempt: n, delayMs }),
    });
    expect(result).toBe('done');
    expect(budgets).toHaveLength(3);
    expect(clock.sleeps).toEqual([50, 100]);
    expect(seen).toEqual([
      { attempt: 1, delayMs: 50 },
      { attempt: 2, delayMs: 100 },
    ]);
  });

  it('makes at most maxAttempts attempts, then rethrows the last error (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 12 }),
        async (max, failures) => {
          const clock = fakeClock();
          const error = Throttled('busy');
          const { attempt, budgets } = flaky(clock, failures, error);
          const run = withRetry(attempt, { policy: policy({ maxAttempts: max }), clock, isRetryable });
          if (failures < max) expect(await run).toBe('done');
          else expect(await rejection(run)).toBe(error);
          expect(budgets).toHaveLength(Math.min(failures + 1, max));
        },
      ),
    );
  });

  it('never retries a non-retryable error', async () => {
    const clock = fakeClock();
    const error = ValidationError('bad', [{ path: 'jobId', message: 'Required' }]);
    const { attempt, budgets } = flaky(clock, 5, error);
    expect(await rejection(withRetry(attempt, { policy: policy(), clock, isRetryable }))).toBe(error);
    expect(budgets).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('never spends more than maxTotalMs across attempts and waits (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (maxTotalMs, costMs, r) => {
          const clock = fakeClock();
          const start = clock.now();
          const { attempt, budgets } = flaky(clock, 100, Throttled('busy'), costMs);
          const p = policy({ maxAttempts: 100, maxTotalMs });
          await rejection(withRetry(attempt, { policy: p, clock, isRetryable, random: () => r }));
          expect(clock.now() - start).toBeLessThanOrEqual(maxTotalMs);
          for (const budget of budgets) expect(budget).toBeLessThanOrEqual(maxTotalMs);
        },
      ),
    );
  });

  it('honours a deadline earlier than the total budget (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 0, max: 500 }),
        async (ahead, costMs) => {
          const clock = fakeClock();
          const deadline = clock.now() + ahead;
          const { attempt, budgets } = flaky(clock, 100, Throttled('busy'), costMs);
          await rejection(
            withRetry(attempt, { policy: policy({ maxAttempts: 100 }), clock, isRetryable, deadline }),
          );
          expect(clock.now()).toBeLessThanOrEqual(deadline);
          // Each attempt is told how long it may take: never past the deadline.
          expect(budgets[0]).toBe(ahead);
        },
      ),
    );
  });

  it('fails with Timeout, without an attempt, once the deadline has passed', async () => {
    const clock = fakeClock();
    const { attempt, budgets } = flaky(clock, 0);
    const error = await rejection(
      withRetry(attempt, { policy: policy(), clock, isRetryable, deadline: clock.now() - 1 }),
    );
    expect(errorCode(error)).toBe('Timeout');
    expect(budgets).toHaveLength(0);
  });

  it('rethrows at once rather than wait past the budget', async () => {
    const clock = fakeClock();
    const error = Throttled('busy');
    const { attempt, budgets } = flaky(clock, 5, error);
    const run = withRetry(attempt, {
      policy: policy({ baseDelayMs: 1_000 }),
      clock,
      isRetryable,
      random: () => 0.5,
      deadline: clock.now() + 400,
    });
    expect(await rejection(run)).toBe(error);
    expect(budgets).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });
});
