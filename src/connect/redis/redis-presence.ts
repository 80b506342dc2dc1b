/**
 * Presence in Redis: `{prefix:app}:presence:<deviceId>` → `<nodeId>|<seq>` with a TTL that the node's
 * heartbeat sweep refreshes. A node that dies stops refreshing, and its devices drop out when the TTL
 * runs out.
 */
import type { RedisClient } from '../../store/redis/redis-client.js';
import type { Presence, PresenceEntry } from '../presence.js';
import type { ConnectKeys } from './connect-keys.js';
import type { ConnectScripts } from './connect-scripts.js';

/** Presence entries in Redis, one per connected device, each with a TTL. */
export class RedisPresence implements Presence {
  constructor(
    private readonly client: RedisClient,
    private readonly scripts: ConnectScripts,
    private readonly keys: ConnectKeys,
    private readonly ttlMs: number,
  ) {}

  async claim(entry: PresenceEntry): Promise<void> {
    await this.client.set(this.keys.presence(entry.app, entry.deviceId), entry.token, 'PX', this.ttlMs);
  }

  async refresh(entries: readonly PresenceEntry[]): Promise<boolean[]> {
    // Issued together: auto-pipelining sends the chunk in one round trip.
    return Promise.all(entries.map((e) => this.scripts.presenceRefresh(this.keys.presence(e.app, e.deviceId), e.token, this.ttlMs)));
  }

  async release(entry: PresenceEntry): Promise<void> {
    await this.scripts.presenceRelease(this.keys.presence(entry.app, entry.deviceId), entry.token);
  }

  async nodeOf(app: string, deviceId: string): Promise<string | undefined> {
    return (await this.client.get(this.keys.presence(app, deviceId))) ?? undefined;
  }

  async close(): Promise<void> {}
}
