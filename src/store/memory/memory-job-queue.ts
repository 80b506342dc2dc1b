import type { JobQueue, QueueStats } from '../ports.js';
import type { DeliveryJob } from '../records.js';

/** The enqueue side, used by the memory notification store inside its atomic accept. */
export interface JobEnqueuer {
  enqueue(app: string, notificationId: string, deviceIds: string[]): void;
}

interface HeldJob {
  job: DeliveryJob;
  consumer: string;
  touchedAt: number;
  enqueuedAt: number;
}

interface AppQueue {
  /** FIFO as an array and a read index: shifting a long array per take would be O(n). */
  ready: { job: DeliveryJob; enqueuedAt: number }[];
  head: number;
  held: Map<string, HeldJob>;
  waiters: Set<() => void>;
}

/**
 * A job queue in process memory with the same semantics as the Redis Streams queue: jobs are handed
 * out, held until acked, and reclaimable when their holder goes silent.
 */
export class MemoryJobQueue implements JobQueue, JobEnqueuer {
  private readonly apps = new Map<string, AppQueue>();
  private sequence = 0;

  constructor(private readonly now: () => number = Date.now) {}

  enqueue(app: string, notificationId: string, deviceIds: string[]): void {
    const queue = this.queueOf(app);
    const job: DeliveryJob = { id: `${this.now()}-${this.sequence++}`, app, notificationId, deviceIds: [...deviceIds], deliveries: 0 };
    queue.ready.push({ job, enqueuedAt: this.now() });
    for (const wake of queue.waiters) wake();
  }

  async take(app: string, consumer: string, count: number, blockMs: number): Promise<DeliveryJob[]> {
    const queue = this.queueOf(app);
    if (queue.ready.length - queue.head === 0 && blockMs > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          queue.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, blockMs);
        queue.waiters.add(wake);
      });
    }
    const taken = queue.ready.slice(queue.head, queue.head + count);
    queue.head += taken.length;
    if (queue.head > 1024 && queue.head * 2 > queue.ready.length) {
      queue.ready = queue.ready.slice(queue.head);
      queue.head = 0;
    }
    return taken.map(({ job, enqueuedAt }) => this.hold(queue, job, consumer, enqueuedAt));
  }

  async ack(app: string, jobId: string): Promise<void> {
    this.queueOf(app).held.delete(jobId);
  }

  async touch(app: string, consumer: string, jobIds: readonly string[]): Promise<void> {
    const queue = this.queueOf(app);
    for (const id of jobIds) {
      const held = queue.held.get(id);
      if (held && held.consumer === consumer) held.touchedAt = this.now();
    }
  }

  async reclaim(app: string, consumer: string, idleMs: number, count: number): Promise<DeliveryJob[]> {
    const queue = this.queueOf(app);
    const now = this.now();
    const out: DeliveryJob[] = [];
    for (const held of queue.held.values()) {
      if (out.length >= count) break;
      if (now - held.touchedAt >= idleMs) out.push(this.hold(queue, held.job, consumer, held.enqueuedAt));
    }
    return out;
  }

  async stats(app: string): Promise<QueueStats> {
    const queue = this.queueOf(app);
    let oldest = Infinity;
    // Ready jobs are in enqueue order: the first unread one is the oldest of them.
    const firstReady = queue.ready[queue.head];
    if (firstReady) oldest = firstReady.enqueuedAt;
    for (const { enqueuedAt } of queue.held.values()) oldest = Math.min(oldest, enqueuedAt);
    return {
      depth: queue.ready.length - queue.head + queue.held.size,
      oldestAgeMs: oldest === Infinity ? 0 : Math.max(0, this.now() - oldest),
    };
  }

  /** Wakes blocked takers so a shutdown does not wait for their timeouts. */
  wakeAll(): void {
    for (const queue of this.apps.values()) for (const wake of queue.waiters) wake();
  }

  private hold(queue: AppQueue, job: DeliveryJob, consumer: string, enqueuedAt: number): DeliveryJob {
    job.deliveries += 1;
    queue.held.set(job.id, { job, consumer, touchedAt: this.now(), enqueuedAt });
    return { ...job, deviceIds: [...job.deviceIds] };
  }

  private queueOf(app: string): AppQueue {
    let queue = this.apps.get(app);
    if (!queue) this.apps.set(app, (queue = { ready: [], head: 0, held: new Map(), waiters: new Set() }));
    return queue;
  }
}
