/**
 * A counting semaphore with a bounded FIFO wait queue. Hand-written rather than cockatiel's
 * BulkheadPolicy because this sits on every push: acquiring a free slot here is synchronous (no
 * promise, no wrapper function), which measurably matters at 10k pushes a second.
 */
export class ConcurrencyLimiter {
  readonly capacity: number;
  readonly queueLimit: number;
  private running = 0;
  private readonly waiters: ({ resolve: () => void; reject: (error: unknown) => void } | undefined)[] = [];
  private head = 0;

  constructor(capacity: number, queueLimit: number) {
    this.capacity = Math.max(1, capacity);
    this.queueLimit = Math.max(0, queueLimit);
  }

  /** Slots in use. */
  get active(): number {
    return this.running;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiters.length - this.head;
  }

  /**
   * Takes a slot: `'acquired'` at once, a promise that resolves when a slot frees up, or `'full'` when
   * the wait queue is at its limit. A waiter whose `signal` aborts leaves the queue (the promise rejects).
   */
  acquire(signal?: AbortSignal): 'acquired' | 'full' | Promise<void> {
    if (this.running < this.capacity) {
      this.running += 1;
      return 'acquired';
    }
    if (this.queued >= this.queueLimit) return 'full';
    return new Promise<void>((resolve, reject) => {
      const index = this.waiters.length;
      const onAbort = (): void => {
        // Leave a hole rather than splice: release() skips it.
        if (this.waiters[index] !== undefined) {
          this.waiters[index] = undefined;
          reject(signal?.reason);
        }
      };
      this.waiters.push({
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Gives a slot back, handing it straight to the next waiter if any. */
  release(): void {
    while (this.head < this.waiters.length) {
      const waiter = this.waiters[this.head];
      this.waiters[this.head] = undefined;
      this.head += 1;
      if (waiter !== undefined) {
        this.compact();
        waiter.resolve();
        return;
      }
    }
    this.compact();
    this.running -= 1;
  }

  private compact(): void {
    if (this.head === this.waiters.length) {
      this.waiters.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters.splice(0, this.head);
      this.head = 0;
    }
  }
}
