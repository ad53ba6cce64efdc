/**
 * Remembers signature nonces until the request that carried them could no longer pass the date check,
 * so a replay inside the skew window is refused while memory stays bounded by the request rate.
 */
export class NonceCache {
  /** nonce → time (ms) after which it may be forgotten; Map iteration order is insertion order. */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly maxEntries = 1_000_000) {}

  /** Records the nonce; false when it is already remembered (a replay). */
  remember(nonce: string, forgetAfter: number, now: number): boolean {
    this.evictExpired(now);
    const known = this.expiries.get(nonce);
    if (known !== undefined && known >= now) return false;
    this.expiries.delete(nonce);
    this.expiries.set(nonce, forgetAfter);
    // A flood past the cap forgets the oldest nonces first rather than growing without limit.
    if (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next();
      if (!oldest.done) this.expiries.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.expiries.size;
  }

  /**
   * Drops expired entries from the oldest end and stops at the first live one: amortized O(1).
   * Expiries are "request date + window" and dates may differ by up to twice the window, so an
   * entry can outlive its expiry by at most that much behind a younger-dated neighbour.
   */
  private evictExpired(now: number): void {
    for (const [nonce, expiry] of this.expiries) {
      if (expiry >= now) return;
      this.expiries.delete(nonce);
    }
  }
}
