/**
 * The inbox in Redis, per device a hash (id → message) and a sorted set (id by expiry), changed only by
 * the scripts in ./lua so the bound, the expiry and the app's depth counter move together.
 */
import type { PushMessage } from '../../../providers/provider.js';
import type { RedisClient } from '../../store/redis/redis-client.js';
import type { Inbox } from '../inbox.js';
import type { ConnectKeys } from './connect-keys.js';
import type { ConnectScripts, InboxKeys } from './connect-scripts.js';

/** How long a device's keys outlive its last message: the sweep has this long to count what expired. */
const KEY_GRACE_MS = 86_400_000;
/** Devices purged per sweep round. */
const SWEEP_BATCH = 500;

/** Inboxes in Redis, shared by every node of the gateway. */
export class RedisInbox implements Inbox {
  constructor(
    private readonly client: RedisClient,
    private readonly scripts: ConnectScripts,
    private readonly keys: ConnectKeys,
    private readonly maxMessages: number,
    private readonly now: () => number = Date.now,
  ) {}

  async put(app: string, deviceId: string, message: PushMessage): Promise<number> {
    return this.scripts.inboxPut(this.keysOf(app, deviceId), this.now(), message.notificationId, JSON.stringify(message), message.expiresAt, this.maxMessages, deviceId, KEY_GRACE_MS);
  }

  async list(app: string, deviceId: string): Promise<PushMessage[]> {
    const values = await this.scripts.inboxList(this.keysOf(app, deviceId), this.now(), deviceId);
    return values.filter((v): v is string => typeof v === 'string').map((v) => JSON.parse(v) as PushMessage);
  }

  async remove(app: string, deviceId: string, notificationIds: readonly string[]): Promise<void> {
    if (notificationIds.length === 0) return;
    await this.scripts.inboxRemove(this.keysOf(app, deviceId), deviceId, notificationIds);
  }

  async sweep(app: string, now: number): Promise<void> {
    // Devices whose last message has expired: listing them purges their entries and unlists them.
    for (;;) {
      const due = await this.client.zrangebyscore(this.keys.inboxes(app), '-inf', now, 'LIMIT', 0, SWEEP_BATCH);
      await Promise.all(due.map((deviceId) => this.scripts.inboxList(this.keysOf(app, deviceId), now, deviceId)));
      if (due.length < SWEEP_BATCH) return;
    }
  }

  async depth(app: string): Promise<number> {
    return Number((await this.client.get(this.keys.inboxDepth(app))) ?? 0);
  }

  async close(): Promise<void> {}

  private keysOf(app: string, deviceId: string): InboxKeys {
    return [this.keys.inbox(app, deviceId), this.keys.inboxExpiry(app, deviceId), this.keys.inboxDepth(app), this.keys.inboxes(app)];
  }
}
