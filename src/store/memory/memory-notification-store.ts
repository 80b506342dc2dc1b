import type { JobEnqueuer } from './memory-job-queue.js';
import type { AcceptResult, NotificationStore } from '../ports.js';
import type { DeliveryRecord, NotificationRecord } from '../records.js';

/**
 * Notifications and delivery states in process memory. Retention is enforced by a sweep so a
 * long-running embedded gateway does not grow without bound.
 */
export class MemoryNotificationStore implements NotificationStore {
  private readonly notifications = new Map<string, { record: NotificationRecord; expiresAt: number }>();
  private readonly deliveries = new Map<string, Map<string, DeliveryRecord>>();
  private readonly idempotency = new Map<string, { id: string; expiresAt: number }>();

  constructor(private readonly queue: JobEnqueuer, private readonly now: () => number = Date.now) {}

  async accept(notification: NotificationRecord, jobs: readonly string[][], idempotencyTtlSeconds: number, retentionSeconds: number): Promise<AcceptResult> {
    const now = this.now();
    this.sweep(now);
    if (notification.idempotencyKey) {
      const idemKey = `${notification.app}/${notification.idempotencyKey}`;
      const first = this.idempotency.get(idemKey);
      if (first && first.expiresAt > now) return { id: first.id, duplicate: true };
      this.idempotency.set(idemKey, { id: notification.id, expiresAt: now + idempotencyTtlSeconds * 1000 });
    }
    const key = `${notification.app}/${notification.id}`;
    this.notifications.set(key, { record: structuredClone(notification), expiresAt: now + retentionSeconds * 1000 });
    this.deliveries.set(key, new Map());
    for (const deviceIds of jobs) this.queue.enqueue(notification.app, notification.id, deviceIds);
    return { id: notification.id, duplicate: false };
  }

  async get(app: string, id: string): Promise<NotificationRecord | undefined> {
    const found = this.notifications.get(`${app}/${id}`);
    return found && structuredClone(found.record);
  }

  async getDeliveries(app: string, id: string): Promise<Map<string, DeliveryRecord>> {
    return structuredClone(this.deliveries.get(`${app}/${id}`) ?? new Map<string, DeliveryRecord>());
  }

  async getDelivery(app: string, id: string, deviceId: string): Promise<DeliveryRecord | undefined> {
    const found = this.deliveries.get(`${app}/${id}`)?.get(deviceId);
    return found && structuredClone(found);
  }

  async putDelivery(app: string, id: string, delivery: DeliveryRecord): Promise<void> {
    const deliveries = this.deliveries.get(`${app}/${id}`);
    // A delivery of a notification past retention has nowhere to go; like Redis, it is dropped.
    deliveries?.set(delivery.deviceId, structuredClone(delivery));
  }

  private lastSweep = 0;

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, entry] of this.notifications) {
      if (entry.expiresAt <= now) {
        this.notifications.delete(key);
        this.deliveries.delete(key);
      }
    }
    for (const [key, entry] of this.idempotency) if (entry.expiresAt <= now) this.idempotency.delete(key);
  }
}
