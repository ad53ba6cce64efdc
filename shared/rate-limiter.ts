import type { Clock } from './clock.js';

/** Shorter waits count as none, so float error in epoch-ms times cannot cause endless tiny sleeps. */
const MIN_WAIT_MS = 0.001;

/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. Callers queue in FIFO order,
 * so one instance shared by every ICE call an FC instance makes never bursts past the limit.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: Clock,
    private readonly burst = 1,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Resolves when a token is available and taken. */
  take(): Promise<void> {
    const turn = this.tail.then(() => this.waitForToken());
    this.tail = turn;
    return turn;
  }

  /** Time until a token would be available now (0 = at once); useful to decide whether to start work. */
  delayUntilNextToken(): number {
    this.refill();
    // Exact (fractional) ms: a wait rounded up overshoots, and the burst cap then throws the surplus away,
    // so the bucket would run below its rate (9/s became 8.93/s).
    const wait = ((1 - this.tokens) * 1000) / this.ratePerSecond;
    return wait < MIN_WAIT_MS ? 0 : wait;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const wait = this.delayUntilNextToken();
      if (wait === 0) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(wait);
    }
  }
}
