import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../providers/resilience/index.js';

describe('RateLimiter', () => {
  it('allows a burst, then spaces calls at the sustained rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerMinute: 600, now: () => now });
    // 600/min = 10/s, default burst one second's worth.
    for (let i = 0; i < 10; i += 1) expect(limiter.reserve()).toBe(0);
    expect(limiter.reserve()).toBe(100);
    expect(limiter.reserve()).toBe(200);
    now = 1_000;
    // The two reservations above are paid back first: 10 - 2 tokens remain.
    for (let i = 0; i < 8; i += 1) expect(limiter.reserve()).toBe(0);
    expect(limiter.reserve()).toBe(100);
  });

  it('gives a token back when a waiter gives up', async () => {
    const limiter = new RateLimiter({ ratePerMinute: 60, burst: 1 });
    expect(limiter.reserve()).toBe(0);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow();
    // Only the first reservation remains owed: the next one waits one interval, not two.
    expect(limiter.reserve()).toBeLessThanOrEqual(1_000);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new RateLimiter({ ratePerMinute: 0 })).toThrow(RangeError);
  });
});
