import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Sustained rate, e.g. 600 for JPush's free tier. */
  ratePerMinute: number;
  /** Calls allowed back to back before the rate applies; default one second's worth (at least 1). */
  burst?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Token bucket with reservations: `reserve()` takes a token at once (the balance may go negative) and
 * answers how long the caller must wait for it. Waiters are therefore served in call order without a
 * queue, and a burst of callers does not wake up together to fight for one token.
 */
export class RateLimiter {
  private readonly perMs: number;
  private readonly burst: number;
  private readonly now: () => number;
  private tokens: number;
  private refilledAt: number;

  constructor(options: RateLimiterOptions) {
    if (!(options.ratePerMinute > 0)) throw new RangeError('ratePerMinute must be > 0');
    this.perMs = options.ratePerMinute / 60_000;
    this.burst = Math.max(1, options.burst ?? Math.floor(options.ratePerMinute / 60));
    this.now = options.now ?? Date.now;
    this.tokens = this.burst;
    this.refilledAt = this.now();
  }

  /** Takes one token; answers the wait in ms before using it (0: go now). */
  reserve(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.perMs);
    this.refilledAt = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.perMs);
  }

  /** Gives back a reserved token the caller did not use (it gave up waiting). */
  release(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** Waits for a token; rejects (and gives the token back) when `signal` aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const waitMs = this.reserve();
    if (waitMs === 0) return;
    try {
      await sleep(waitMs, undefined, signal ? { signal } : undefined);
    } catch (error) {
      this.release();
      throw error;
    }
  }
}
