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

export interface AcceptOptions {
  /** Recipients per queued job. */
  devicesPerJob: number;
  idempotencyTtlSeconds: number;
  retentionSeconds: number;
}

export type AcceptResult =
  /** Stored with the registered candidates as recipients; `unknown` were not registered. */
  | { status: 'stored'; id: string; recipients: number; unknown: string[] }
  /** The idempotency key was used before: the first answer, nothing stored. */
  | { status: 'duplicate'; id: string; recipients: number }
  /** None of the candidates is a registered device: nothing stored. */
  | { status: 'no-recipients'; unknown: string[] };

export interface NotificationStore {
  /**
   * In one atomic step: keeps the candidates (`notification.deviceIds`) that are registered devices,
   * stores the notification with them as recipients and queues its jobs. Stores nothing when the
   * idempotency key was already used or no candidate is registered.
   */
  accept(notification: NotificationRecord, options: AcceptOptions): Promise<AcceptResult>;
  get(app: string, id: string): Promise<NotificationRecord | undefined>;
  getDeliveries(app: string, id: string): Promise<Map<string, DeliveryRecord>>;
  getDelivery(app: string, id: string, deviceId: string): Promise<DeliveryRecord | undefined>;
  /**
   * Writes a delivery record only if the stored one still has version `delivery.version - 1` (0: none
   * stored yet). Answers false when another writer got there first: re-read and decide again.
   * `deadline`, when given, is scheduled in the same atomic step and only if the write wins: a step's
   * intent and its ack deadline exist together or not at all (one round trip instead of two).
   */
  putDelivery(app: string, id: string, delivery: DeliveryRecord, deadline?: DeadlineEntry): Promise<boolean>;
  /**
   * An ack's write, in one atomic step (one round trip): the compare-and-set of putDelivery that also
   * takes the awaited step's ack deadline (`cancel.member`) out of the pending set. When that deadline
   * was still pending (no escalation had claimed it) and `cancel.onTime` is set, `records.onTime` is
   * written, else `records.late` (both of the same device and version). Answers which one, or
   * 'conflict' when another writer won: then nothing changed, the deadline included.
   */
  ackDelivery(app: string, id: string, records: AckRecords, cancel?: AckCancel): Promise<'on-time' | 'late' | 'conflict'>;
}

/** The two ways an ack can end a delivery; which one is written depends on the deadline (ackDelivery). */
export interface AckRecords {
  onTime: DeliveryRecord;
  late: DeliveryRecord;
}

/** The awaited step's deadline an ack takes out, and whether taking it out makes the ack on time. */
export interface AckCancel {
  member: string;
  onTime: boolean;
}

/** One ack deadline: its member (see src/pipeline/deadline-member.ts) and when it falls due (epoch ms). */
export interface DeadlineEntry {
  member: string;
  dueAt: number;
}

/**
 * Ack deadlines, kept in storage so they survive restarts. A due deadline is claimed by exactly one
 * instance, which holds it under a lease while it escalates; a lease that runs out (its holder died)
 * makes the deadline due again.
 */
export interface DeadlineStore {
  schedule(app: string, member: string, dueAt: number): Promise<void>;
  /** Removes a pending deadline; true if it was pending (not yet claimed by an escalation). */
  cancel(app: string, member: string): Promise<boolean>;
  /** Claims up to `limit` due deadlines (and ones whose lease ran out) under a lease until `leaseUntil`. */
  claimDue(app: string, now: number, leaseUntil: number, limit: number): Promise<string[]>;
  /** The claimed deadline is dealt with. */
  release(app: string, member: string): Promise<void>;
  /** Pending (not claimed) deadlines. */
  pending(app: string): Promise<number>;
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
  deadlines: DeadlineStore;
  health: StoreHealth;
}
