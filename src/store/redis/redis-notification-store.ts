import type { RedisClient } from './redis-client.js';
import type { AcceptOptions, AcceptResult, AckCancel, AckRecords, DeadlineEntry, NotificationStore } from '../ports.js';
import type { DeliveryRecord, NotificationRecord } from '../records.js';
import { AcceptGroupCommit } from './accept-group-commit.js';
import { guard } from './guard.js';
import type { RedisKeys } from './redis-keys.js';
import type { StoreScripts } from './redis-scripts.js';

/**
 * Notifications as one string each ('<doc JSON>\n<device ids>') with a retention TTL; delivery states
 * as one hash per notification (field = device id), so a status read is one HGETALL.
 */
export class RedisNotificationStore implements NotificationStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly scripts: StoreScripts,
    private readonly retentionSeconds: number,
  ) {
    this.accepts = new AcceptGroupCommit(keys, scripts);
  }

  private readonly accepts: AcceptGroupCommit;

  accept(notification: NotificationRecord, options: AcceptOptions): Promise<AcceptResult> {
    const { app, id, idempotencyKey } = notification;
    // The stored doc is the record without its recipients, built field by field: two object spreads
    // per accept cost more than the JSON itself. StoredFields makes a new record field a compile error here.
    const doc: StoredFields = {
      app, id, idempotencyKey,
      title: notification.title, body: notification.body, data: notification.data, priority: notification.priority,
      ttlSeconds: notification.ttlSeconds, collapseKey: notification.collapseKey, ackDeadlineMs: notification.ackDeadlineMs,
      channels: notification.channels, sms: notification.sms, createdAt: notification.createdAt, expiresAt: notification.expiresAt,
    };
    return this.accepts.accept(notification, JSON.stringify(doc), options);
  }

  get(app: string, id: string): Promise<NotificationRecord | undefined> {
    return guard('notification get', async () => {
      const key = this.keys.notification(app, id);
      let doc: string | null | undefined;
      let devices: string | null | undefined;
      try {
        const stored = await this.client.get(key);
        if (stored === null) return undefined;
        // '<doc>\n<device ids>' (see lua/includes/acceptOne.lua): JSON never holds a raw newline.
        const split = stored.indexOf('\n');
        doc = stored.slice(0, split);
        devices = stored.slice(split + 1);
      } catch (error) {
        // Accepted by an earlier version, which stored a hash; it expires with its retention.
        if (!(error instanceof Error && error.message.startsWith('WRONGTYPE'))) throw error;
        [doc, devices] = await this.client.hmget(key, 'doc', 'devices');
        if (!doc) return undefined;
      }
      return { ...(JSON.parse(doc) as Omit<NotificationRecord, 'deviceIds'>), deviceIds: devices ? devices.split(',') : [] };
    });
  }

  getDeliveries(app: string, id: string): Promise<Map<string, DeliveryRecord>> {
    return guard('deliveries get', async () => {
      const all = await this.client.hgetall(this.keys.deliveries(app, id));
      return new Map(Object.entries(all).map(([deviceId, raw]) => [deviceId, decodeDelivery(raw)]));
    });
  }

  getDelivery(app: string, id: string, deviceId: string): Promise<DeliveryRecord | undefined> {
    return guard('delivery get', async () => {
      const raw = await this.client.hget(this.keys.deliveries(app, id), deviceId);
      return raw ? decodeDelivery(raw) : undefined;
    });
  }

  putDelivery(app: string, id: string, delivery: DeliveryRecord, deadline?: DeadlineEntry): Promise<boolean> {
    return guard('delivery put', () =>
      this.scripts.putDelivery([this.keys.deliveries(app, id), this.keys.deadlines(app)], delivery.deviceId, delivery.version - 1,
        `${delivery.version}|${JSON.stringify(delivery)}`, this.retentionSeconds, deadline?.dueAt ?? '', deadline?.member ?? ''),
    );
  }

  ackDelivery(app: string, id: string, records: AckRecords, cancel?: AckCancel): Promise<'on-time' | 'late' | 'conflict'> {
    const { onTime, late } = records;
    return guard('delivery ack', async () => ACK_WRITES[await this.scripts.ackDelivery(
      [this.keys.deliveries(app, id), this.keys.deadlines(app)], onTime.deviceId, onTime.version - 1,
      `${onTime.version}|${JSON.stringify(onTime)}`, `${late.version}|${JSON.stringify(late)}`, this.retentionSeconds,
      cancel?.member ?? '', cancel?.onTime ?? false,
    )]);
  }
}

/** The ackDelivery script's answers, by number. */
const ACK_WRITES = ['conflict', 'late', 'on-time'] as const;

/** Every field of the stored notification doc, optional ones included (see accept). */
type StoredFields = { [K in keyof Required<Omit<NotificationRecord, 'deviceIds'>>]: NotificationRecord[K] };


/** Stored as '<version>|<json>' (see lua/putDelivery-2.lua). */
function decodeDelivery(raw: string): DeliveryRecord {
  return JSON.parse(raw.slice(raw.indexOf('|') + 1)) as DeliveryRecord;
}
