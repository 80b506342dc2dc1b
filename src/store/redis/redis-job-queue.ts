import { duplicateForBlocking, type RedisClient } from './redis-client.js';
import type { JobQueue, QueueStats } from '../ports.js';
import type { DeliveryJob } from '../records.js';
import { guard } from './guard.js';
import { JOB_GROUP, type RedisKeys } from './redis-keys.js';

type StreamEntry = [id: string, fields: string[]];

/**
 * The durable job queue: one Redis Stream per app with a consumer group. A job stays in the group's
 * pending list until acked (then it is deleted, so XLEN is the depth); jobs a crashed worker held are
 * taken over with XAUTOCLAIM once idle longer than the reclaim window.
 */
export class RedisJobQueue implements JobQueue {
  /** Blocking reads hold a connection, so each app's reader gets its own. */
  private readonly readers = new Map<string, RedisClient>();
  private readonly groupsReady = new Set<string>();
  /** Acks waiting for this turn's flush, per app. */
  private readonly acks = new Map<string, AckBatch>();
  private closed = false;

  constructor(private readonly client: RedisClient, private readonly keys: RedisKeys) {}

  take(app: string, consumer: string, count: number, blockMs: number): Promise<DeliveryJob[]> {
    return guard('queue take', async () => {
      await this.ensureGroup(app);
      const reader = this.readerFor(app);
      const reply = (await reader.xreadgroup(
        'GROUP', JOB_GROUP, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.keys.jobs(app), '>',
      )) as [string, StreamEntry[]][] | null;
      const entries = reply?.[0]?.[1] ?? [];
      return entries.map((entry) => toJob(app, entry, 1));
    });
  }

  /**
   * Acks of one event-loop turn go out together: one XACK and one XDEL for all of them (4 commands
   * for n jobs instead of 4n). Each caller still learns whether its own ack was written.
   */
  ack(app: string, jobId: string): Promise<void> {
    let batch = this.acks.get(app);
    if (!batch) {
      this.acks.set(app, (batch = new AckBatch()));
      setImmediate(() => {
        this.acks.delete(app);
        void this.flushAcks(app, batch as AckBatch);
      });
    }
    return batch.add(jobId);
  }

  private async flushAcks(app: string, batch: AckBatch): Promise<void> {
    try {
      await guard('queue ack', async () => {
        const stream = this.keys.jobs(app);
        const result = await this.client.multi().xack(stream, JOB_GROUP, ...batch.ids).xdel(stream, ...batch.ids).exec();
        const failed = result?.find(([error]) => error !== null)?.[0];
        if (!result || failed) throw failed ?? new Error('ack transaction discarded');
      });
      batch.settle();
    } catch (error) {
      batch.settle(error);
    }
  }

  touch(app: string, consumer: string, jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return Promise.resolve();
    return guard('queue touch', async () => {
      // XCLAIM to ourselves with min-idle 0 resets the idle clock that reclaim looks at.
      await this.client.xclaim(this.keys.jobs(app), JOB_GROUP, consumer, 0, ...jobIds, 'JUSTID');
    });
  }

  reclaim(app: string, consumer: string, idleMs: number, count: number): Promise<DeliveryJob[]> {
    return guard('queue reclaim', async () => {
      await this.ensureGroup(app);
      const stream = this.keys.jobs(app);
      const reply = (await this.client.xautoclaim(stream, JOB_GROUP, consumer, idleMs, '0-0', 'COUNT', count)) as [
        string,
        StreamEntry[],
        string[]?,
      ];
      // Entries deleted from the stream but still pending come back as ids only: nothing left to do.
      const gone = reply[2] ?? [];
      if (gone.length > 0) await this.client.xack(stream, JOB_GROUP, ...gone);
      return reply[1].filter((entry) => entry[1] !== null).map((entry) => toJob(app, entry, 2));
    });
  }

  stats(app: string): Promise<QueueStats> {
    return guard('queue stats', async () => {
      const stream = this.keys.jobs(app);
      const [[, depth], [, first]] = (await this.client.multi().xlen(stream).xrange(stream, '-', '+', 'COUNT', 1).exec()) as [
        [Error | null, number],
        [Error | null, StreamEntry[]],
      ];
      const oldestId = first[0]?.[0];
      const oldestAgeMs = oldestId ? Math.max(0, Date.now() - Number(oldestId.split('-')[0])) : 0;
      return { depth, oldestAgeMs };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    // disconnect() also interrupts a reader blocked in XREADGROUP.
    for (const reader of this.readers.values()) reader.disconnect();
    this.readers.clear();
  }

  private readerFor(app: string): RedisClient {
    if (this.closed) throw new Error('queue closed');
    let reader = this.readers.get(app);
    if (!reader) {
      reader = duplicateForBlocking(this.client);
      reader.on('error', () => {}); // reported through the main client's health
      this.readers.set(app, reader);
    }
    return reader;
  }

  private async ensureGroup(app: string): Promise<void> {
    if (this.groupsReady.has(app)) return;
    try {
      await this.client.xgroup('CREATE', this.keys.jobs(app), JOB_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
    this.groupsReady.add(app);
  }
}

/** Job ids acked in one event-loop turn and the callers waiting on them. */
class AckBatch {
  readonly ids: string[] = [];
  private readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  add(id: string): Promise<void> {
    this.ids.push(id);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  settle(error?: unknown): void {
    for (const waiter of this.waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}

function toJob(app: string, [id, fields]: StreamEntry, deliveries: number): DeliveryJob {
  const value = (name: string): string => {
    const at = fields.indexOf(name);
    return at >= 0 ? (fields[at + 1] ?? '') : '';
  };
  const devices = value('d');
  return { id, app, notificationId: value('n'), deviceIds: devices ? devices.split(',') : [], deliveries };
}
