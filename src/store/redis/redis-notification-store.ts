import type { RedisClient } from './redis-client.js';
import type { AcceptOptions, AcceptResult, NotificationStore } from '../ports.js';
import type { DeliveryRecord, NotificationRecord } from '../records.js';
import { guard } from './guard.js';
import type { RedisKeys } from './redis-keys.js';
import type { StoreScripts } from './redis-scripts.js';

/**
 * Notifications as JSON strings with a retention TTL; delivery states as one hash per notification
 * (field = device id), so a status read is one HGETALL.
 */
export class RedisNotificationStore implements NotificationStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly scripts: StoreScripts,
    private readonly retentionSeconds: number,
  ) {}

  accept(notification: NotificationRecord, options: AcceptOptions): Promise<AcceptResult> {
    return guard('accept', async () => {
      const { app, id, idempotencyKey, deviceIds, ...rest } = notification;
      const reply = await this.scripts.accept(
        [this.keys.idempotency(app, idempotencyKey ?? '-'), this.keys.notification(app, id), this.keys.jobs(app), this.keys.deviceIndex(app)],
        [
          idempotencyKey ? '1' : '0',
          id,
          JSON.stringify({ app, id, idempotencyKey, ...rest }),
          options.idempotencyTtlSeconds,
          options.retentionSeconds,
          options.devicesPerJob,
          ...deviceIds,
        ],
      );
      const [code, storedId, recipients, ...unknown] = reply;
      if (code === 1) return { status: 'duplicate', id: String(storedId), recipients: Number(recipients) };
      if (code === 2) return { status: 'no-recipients', unknown: unknown.map(String) };
      return { status: 'stored', id: String(storedId), recipients: Number(recipients), unknown: unknown.map(String) };
    });
  }

  get(app: string, id: string): Promise<NotificationRecord | undefined> {
    return guard('notification get', async () => {
      const [doc, devices] = await this.client.hmget(this.keys.notification(app, id), 'doc', 'devices');
      if (!doc) return undefined;
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

  putDelivery(app: string, id: string, delivery: DeliveryRecord): Promise<boolean> {
    return guard('delivery put', () =>
      this.scripts.putDelivery(this.keys.deliveries(app, id), delivery.deviceId, delivery.version - 1,
        `${delivery.version}|${JSON.stringify(delivery)}`, this.retentionSeconds),
    );
  }
}

/** Stored as '<version>|<json>' (see lua/putDelivery-1.lua). */
function decodeDelivery(raw: string): DeliveryRecord {
  return JSON.parse(raw.slice(raw.indexOf('|') + 1)) as DeliveryRecord;
}
