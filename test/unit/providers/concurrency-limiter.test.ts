import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../../providers/resilience/index.js';

describe('ConcurrencyLimiter', () => {
  it('grants free slots synchronously and queues the rest in order', async () => {
    const limiter = new ConcurrencyLimiter(2, 10);
    expect(limiter.acquire()).toBe('acquired');
    expect(limiter.acquire()).toBe('acquired');
    const order: number[] = [];
    const third = limiter.acquire();
    const fourth = limiter.acquire();
    expect(limiter.queued).toBe(2);
    void (third as Promise<void>).then(() => order.push(3));
    void (fourth as Promise<void>).then(() => order.push(4));
    limiter.release();
    limiter.release();
    await Promise.all([third, fourth]);
    expect(order).toEqual([3, 4]);
    expect(limiter.active).toBe(2);
    limiter.release();
    limiter.release();
    expect(limiter.active).toBe(0);
  });

  it('answers full beyond the queue limit', () => {
    const limiter = new ConcurrencyLimiter(1, 1);
    expect(limiter.acquire()).toBe('acquired');
    expect(limiter.acquire()).toBeInstanceOf(Promise);
    expect(limiter.acquire()).toBe('full');
  });

  it('drops a waiter whose signal aborts and hands the slot to the next', async () => {
    const limiter = new ConcurrencyLimiter(1, 5);
    limiter.acquire();
    const controller = new AbortController();
    const gone = limiter.acquire(controller.signal) as Promise<void>;
    const next = limiter.acquire() as Promise<void>;
    controller.abort(new Error('caller left'));
    await expect(gone).rejects.toThrow('caller left');
    limiter.release();
    await next;
    expect(limiter.active).toBe(1);
  });
});
