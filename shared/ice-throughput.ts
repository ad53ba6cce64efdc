/**
 * The instance-wide ICE throughput budget: one token bucket (`pacer`, handed to the ICE client) that every
 * ICE call of the FC instance waits on, and bounded concurrency for the work that makes those calls.
 * Created once at module scope, so a batch of 1,000 updates never bursts past ICE_MAX_RPS.
 */
import { type Clock, systemClock } from './clock.js';
import { mapWithConcurrency } from './concurrency.js';
import { TokenBucket } from './rate-limiter.js';

export interface IceThroughputOptions {
  /** ICE_MAX_RPS: calls per second across the whole instance. */
  maxRps: number;
  /** ICE_CONCURRENCY: work items in flight at once. */
  concurrency: number;
  clock?: Clock;
}

export interface IceThroughput {
  /** Pass to `iceClientFromConfig(config, {pacer})`: every attempt of every call takes a token. */
  readonly pacer: TokenBucket;
  /** Tokens per second and bucket size chosen for `maxRps` (see `paceFor`). */
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly concurrency: number;
  /** Runs `worker` over `items`, at most `concurrency` at a time, results in input order. */
  run<T, R>(items: readonly T[], worker: (item: T, index: number) => Promise<R>): Promise<R[]>;
}

/**
 * A token bucket lets through at most `burst + rate` calls in any one-second window, so `rate` is
 * `maxRps - burst`: the limit holds in every window. The burst (2% of the limit, at least 1) absorbs
 * timer lateness, which a bucket of 1 turns into lost throughput at high rates (5 ms slots at 200/s).
 * Below 2 calls/s there is no room for that; the rate is then maxRps itself.
 */
export function paceFor(maxRps: number): { ratePerSecond: number; burst: number } {
  const burst = Math.max(1, Math.floor(maxRps / 50));
  return { ratePerSecond: maxRps >= 2 ? maxRps - burst : maxRps, burst };
}

export function createIceThroughput(options: IceThroughputOptions): IceThroughput {
  if (!(options.concurrency >= 1)) throw new RangeError('concurrency must be >= 1');
  const { ratePerSecond, burst } = paceFor(options.maxRps);
  const pacer = new TokenBucket(ratePerSecond, options.clock ?? systemClock, burst);
  return {
    pacer,
    ratePerSecond,
    burst,
    concurrency: options.concurrency,
    run: (items, worker) => mapWithConcurrency(items, options.concurrency, worker),
  };
}
