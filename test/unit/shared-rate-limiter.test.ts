import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../shared/rate-limiter.js';
import { fakeClock } from '../helpers/fc.js';

/** Lets pending promise chains run (they sleep on the fake clock, which only advances time). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Calls take() at the given gaps; returns, in grant order, which call got a token and when. */
async function grants(rate: number, burst: number, gaps: number[]) {
  const clock = fakeClock();
  const bucket = new TokenBucket(rate, clock, burst);
  const granted: { call: number; at: number }[] = [];
  const pending: Promise<void>[] = [];
  for (const [call, gap] of gaps.entries()) {
    clock.advance(gap);
    pending.push(bucket.take().then(() => void granted.push({ call, at: clock.now() })));
    if (gap > 0) await settle();
  }
  await Promise.all(pending);
  return granted;
}

describe('TokenBucket', () => {
  it('spaces a burst of calls 1/rate apart once the saved-up token is spent', async () => {
    const granted = await grants(10, 1, [0, 0, 0, 0, 0]);
    const start = granted[0]!.at;
    expect(granted.map((g) => g.at - start)).toEqual([0, 100, 200, 300, 400]);
  });

  it.each([3, 7, 9, 196])(
    'sustains %d calls a second when 1000/rate is not a whole number of ms',
    async (rate) => {
      const granted = await grants(rate, 1, Array(rate * 3 + 1).fill(0));
      const elapsed = granted.at(-1)!.at - granted[0]!.at;
      expect((rate * 3 * 1000) / elapsed).toBeCloseTo(rate, 3);
    },
  );

  it('lets up to `burst` calls through at once', async () => {
    const granted = await grants(4, 3, [0, 0, 0, 0, 0]);
    const start = granted[0]!.at;
    expect(granted.map((g) => g.at - start)).toEqual([0, 0, 0, 250, 500]);
  });

  it('never grants more than burst + rate·window tokens in any window (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 400 })), { minLength: 1, maxLength: 40 }),
        async (rate, burst, gaps) => {
          const times = (await grants(rate, burst, gaps)).map((g) => g.at);
          for (let i = 0; i < times.length; i++) {
            for (let j = i; j < times.length; j++) {
              const allowed = burst + ((times[j]! - times[i]!) * rate) / 1000;
              expect(j - i + 1).toBeLessThanOrEqual(allowed + 1e-3);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('grants tokens in the order they were asked for (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 30 }),
        async (gaps) => {
          const granted = await grants(7, 2, gaps);
          expect(granted.map((g) => g.call)).toEqual(gaps.map((_, i) => i));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not make a call wait when a token has been saved up', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(2, clock);
    await bucket.take();
    expect(bucket.delayUntilNextToken()).toBe(500);
    clock.advance(500);
    expect(bucket.delayUntilNextToken()).toBe(0);
    await bucket.take();
    expect(clock.sleeps).toEqual([]);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0, fakeClock())).toThrow(RangeError);
    expect(() => new TokenBucket(Number.NaN, fakeClock())).toThrow(RangeError);
  });
});
