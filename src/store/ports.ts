/**
 * Storage ports. The pipeline and HTTP layer see only these; the memory and Redis implementations pass
 * the same contract suite (test/integration/store/).
 */
import type { DeliveryJob, DeliveryRecord, DeviceRecord, NotificationRecord } from './records.js';

export interface DeviceStore {
  put(app: string, device: DeviceRecord): Promise<void>;
  get(app: string, id: string): Promise<DeviceRecord | undefined>;
  /** Many at once, in order; missing ones are undefined. */
  getMany(app: string, ids: readonly string[]): Promise<(DeviceRecord | undefined)[]>;
  delete(app: string, id: string): Promise<boolean>;
  /** Device ids registered for a user. */
  idsByUser(app: string, userId: string): Promise<string[]>;
  /** Which of the ids are registered, in order. */
  exist(app: string, ids: readonly string[]): Promise<boolean[]>;
  /** Removes a token only if it is still the current one (a re-registration may have replaced it). */
  removeToken(app: string, id: string, provider: string, token: string): Promise<boolean>;
}

export interface AcceptResult {
  id: string;
  /** True when the idempotency key had been used: `id` is the first request's. */
  duplicate: boolean;
}

export interface NotificationStore {
  /**
   * Durably stores the notification and queues its jobs in one atomic step, or, when the idempotency
   * key was already used, stores nothing and answers the first id.
   */
  accept(notification: NotificationRecord, jobs: readonly string[][], idempotencyTtlSeconds: number, retentionSeconds: number): Promise<AcceptResult>;
  get(app: string, id: string): Promise<NotificationRecord | undefined>;
  getDeliveries(app: string, id: string): Promise<Map<string, DeliveryRecord>>;
  getDelivery(app: string, id: string, deviceId: string): Promise<DeliveryRecord | undefined>;
  putDelivery(app: string, id: string, delivery: DeliveryRecord): Promise<void>;
}

export interface QueueStats {
  depth: number;
  /** Age of the oldest job not yet acked (0 when empty). */
  oldestAgeMs: number;
}

export interface JobQueue {
  /** Hands out up to `count` jobs of the app, waiting up to `blockMs` for one. */
  take(app: string, consumer: string, count: number, blockMs: number): Promise<DeliveryJob[]>;
  /** The job is done: it leaves the queue. */
  ack(app: string, jobId: string): Promise<void>;
  /** Keeps jobs this consumer is still working on from being reclaimed. */
  touch(app: string, consumer: string, jobIds: readonly string[]): Promise<void>;
  /** Takes over jobs held longer than `idleMs` by any consumer (one that crashed). */
  reclaim(app: string, consumer: string, idleMs: number, count: number): Promise<DeliveryJob[]>;
  stats(app: string): Promise<QueueStats>;
}

export interface StoreHealth {
  /** Throws StoreUnavailableError when storage cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Everything the gateway stores, behind one value. */
export interface Stores {
  kind: 'memory' | 'redis';
  devices: DeviceStore;
  notifications: NotificationStore;
  queue: JobQueue;
  health: StoreHealth;
}
