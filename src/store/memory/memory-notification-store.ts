import type { JobEnqueuer } from './memory-job-queue.js';
import type { AcceptOptions, AcceptResult, AckCancel, AckRecords, DeadlineEntry, DeviceStore, NotificationStore } from '../ports.js';
import { MemoryDeadlineStore } from './memory-deadline-store.js';
import type { DeliveryRecord, NotificationRecord } from '../records.js';
import { deepFreeze } from '../../deep-freeze.js';

/**
 * Notifications and delivery states in process memory. Accept resolves recipients against the device
 * store synchronously-in-effect (one process, no interleaving between the check and the write). Retention is enforced by a sweep so a
 * long-running embedded gateway does not grow without bound.
 */
export class MemoryNotificationStore implements NotificationStore {
  private readonly notifications = new Map<string, { record: NotificationRecord; expiresAt: number }>();
  private readonly deliveries = new Map<string, Map<string, DeliveryRecord>>();
  private readonly idempotency = new Map<string, { id: string; recipients: number; expiresAt: number }>();

  constructor(
    private readonly queue: JobEnqueuer,
    private readonly devices: Pick<DeviceStore, 'exist'>,
    private readonly now: () => number = Date.now,
    /** Where putDelivery schedules a step's deadline along with its intent. */
    private readonly deadlines: Pick<MemoryDeadlineStore, 'add' | 'remove'> = new MemoryDeadlineStore(),
  ) {}

  /** Accepts in progress per idempotency key: a second use of a key waits for the first's answer. */
  private readonly accepting = new Map<string, Promise<AcceptResult>>();

  accept(notification: NotificationRecord, options: AcceptOptions): Promise<AcceptResult> {
    if (!notification.idempotencyKey) return this.acceptNow(notification, options);
    // The device check below awaits: without this, two concurrent uses of one key would both pass the
    // idempotency check before either records it, and both be stored (Redis does it in one script).
    const key = `${notification.app}/${notification.idempotencyKey}`;
    const run = (this.accepting.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => this.acceptNow(notification, options));
    this.accepting.set(key, run);
    const forget = () => {
      if (this.accepting.get(key) === run) this.accepting.delete(key);
    };
    run.then(forget, forget);
    return run;
  }

  private async acceptNow(notification: NotificationRecord, options: AcceptOptions): Promise<AcceptResult> {
    const now = this.now();
    this.sweep(now);
    const idemKey = notification.idempotencyKey ? `${notification.app}/${notification.idempotencyKey}` : undefined;
    const first = idemKey ? this.idempotency.get(idemKey) : undefined;
    if (first && first.expiresAt > now) return { status: 'duplicate', id: first.id, recipients: first.recipients };
    const flags = await this.devices.exist(notification.app, notification.deviceIds);
    const known = notification.deviceIds.filter((_, i) => flags[i]);
    const unknown = notification.deviceIds.filter((_, i) => !flags[i]);
    if (known.length === 0) return { status: 'no-recipients', unknown };
    const key = `${notification.app}/${notification.id}`;
    const record = deepFreeze({ ...structuredClone(notification), deviceIds: known });
    this.notifications.set(key, { record, expiresAt: now + options.retentionSeconds * 1000 });
    this.deliveries.set(key, new Map());
    for (let i = 0; i < known.length; i += options.devicesPerJob) {
      this.queue.enqueue(notification.app, notification.id, known.slice(i, i + options.devicesPerJob));
    }
    if (idemKey) this.idempotency.set(idemKey, { id: notification.id, recipients: known.length, expiresAt: now + options.idempotencyTtlSeconds * 1000 });
    return { status: 'stored', id: notification.id, recipients: known.length, unknown };
  }

  async get(app: string, id: string): Promise<NotificationRecord | undefined> {
    // Stored frozen at accept, read-only afterwards: handed out without a copy.
    return this.notifications.get(`${app}/${id}`)?.record;
  }

  // Delivery records are stored frozen and handed out as they are: writers always build new records
  // (compare-and-set), so no copy is needed on the hot path, and freezing catches a writer that tries.
  async getDeliveries(app: string, id: string): Promise<Map<string, DeliveryRecord>> {
    return new Map(this.deliveries.get(`${app}/${id}`) ?? []);
  }

  async getDelivery(app: string, id: string, deviceId: string): Promise<DeliveryRecord | undefined> {
    return this.deliveries.get(`${app}/${id}`)?.get(deviceId);
  }

  async putDelivery(app: string, id: string, delivery: DeliveryRecord, deadline?: DeadlineEntry): Promise<boolean> {
    const deliveries = this.deliveries.get(`${app}/${id}`);
    // A delivery of a notification past retention has nowhere to go; like Redis, it is dropped.
    if (!deliveries) {
      if (deadline) this.deadlines.add(app, deadline.member, deadline.dueAt);
      return true;
    }
    const current = deliveries.get(delivery.deviceId)?.version ?? 0;
    if (current !== delivery.version - 1) return false;
    if (deadline) this.deadlines.add(app, deadline.member, deadline.dueAt);
    // Writers hand over a record they built for this write; freezing it (no copy) keeps it intact.
    Object.freeze(delivery.events);
    deliveries.set(delivery.deviceId, Object.freeze(delivery));
    return true;
  }

  async ackDelivery(app: string, id: string, records: AckRecords, cancel?: AckCancel): Promise<'on-time' | 'late' | 'conflict'> {
    const deliveries = this.deliveries.get(`${app}/${id}`);
    const { onTime, late } = records;
    if (!deliveries || (deliveries.get(onTime.deviceId)?.version ?? 0) !== onTime.version - 1) return 'conflict';
    const removed = cancel ? this.deadlines.remove(app, cancel.member) : false;
    const inTime = removed && cancel?.onTime === true;
    const written = inTime ? onTime : late;
    Object.freeze(written.events);
    deliveries.set(written.deviceId, Object.freeze(written));
    return inTime ? 'on-time' : 'late';
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

