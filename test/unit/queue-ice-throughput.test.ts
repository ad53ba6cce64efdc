import { describe, expect, it } from 'vitest';
import { createIceThroughput, paceFor } from '../../shared/ice-throughput.js';
import { fakeClock } from '../helpers/fc.js';

describe('the shared ICE throughput budget', () => {
  it('never lets more than maxRps calls through in any one-second window, and close to that many', async () => {
    for (const maxRps of [10, 200]) {
      const clock = fakeClock();
      const { pacer } = createIceThroughput({ maxRps, concurrency: 4, clock });
      const times: number[] = [];
      for (let i = 0; i < maxRps * 5; i++) {
        await pacer.take();
        times.push(clock.now());
      }
      // Every window starting at a call: the calls within the next 1,000 ms.
      const busiest = Math.max(...times.map((t, i) => times.slice(i).filter((u) => u < t + 1_000).length));
      expect(busiest, `maxRps ${maxRps}`).toBeLessThanOrEqual(maxRps);
      const rate = ((times.length - 1) * 1_000) / (times.at(-1)! - times[0]!);
      expect(rate, `maxRps ${maxRps}`).toBeGreaterThanOrEqual(maxRps * 0.88);
    }
  });

  it('keeps a small burst at high rates so that late timers do not cost throughput', () => {
    expect(paceFor(200)).toEqual({ ratePerSecond: 196, burst: 4 });
    expect(paceFor(10)).toEqual({ ratePerSecond: 9, burst: 1 });
    expect(paceFor(1)).toEqual({ ratePerSecond: 1, burst: 1 });
  });

  it('runs at most `concurrency` workers at once and keeps results in input order', async () => {
    const { run } = createIceThroughput({ maxRps: 10, concurrency: 3, clock: fakeClock() });
    let inFlight = 0;
    let peak = 0;
    const results = await run([5, 1, 4, 2, 3, 6, 7], async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      return n * 10;
    });
    expect(peak).toBe(3);
    expect(results).toEqual([50, 10, 40, 20, 30, 60, 70]);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => createIceThroughput({ maxRps: 10, concurrency: 0 })).toThrow(RangeError);
  });
});
