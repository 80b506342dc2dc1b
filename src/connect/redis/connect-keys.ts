/**
 * Every Redis key and channel of the long connection, built in one place. All of one app's share the
 * store's hash tag `{prefix:app}` (src/store/redis/redis-keys.ts), so a script's keys sit in one
 * Redis Cluster slot.
 */
export class ConnectKeys {
  constructor(private readonly prefix: string) {}

  private tag(app: string): string {
    return `{${this.prefix}:${app}}`;
  }

  /** Which connection holds the device: `<nodeId>|<seq>`, with a TTL refreshed by heartbeats. */
  presence(app: string, deviceId: string): string {
    return `${this.tag(app)}:presence:${deviceId}`;
  }

  /** Hash: notification id → message JSON. */
  inbox(app: string, deviceId: string): string {
    return `${this.tag(app)}:inbox:${deviceId}`;
  }

  /** Sorted set: notification id scored by its expiry. */
  inboxExpiry(app: string, deviceId: string): string {
    return `${this.tag(app)}:inbox-exp:${deviceId}`;
  }

  /** Sorted set: device ids with an inbox, scored by their last message's expiry (for the sweep). */
  inboxes(app: string): string {
    return `${this.tag(app)}:inboxes`;
  }

  /** Counter of messages pending across the app's inboxes. */
  inboxDepth(app: string): string {
    return `${this.tag(app)}:inbox-depth`;
  }

  /** Pub/sub channel of one node for one app. */
  nodeChannel(app: string, nodeId: string): string {
    return `${this.tag(app)}:node:${nodeId}`;
  }

  /** The app back from a node channel's name. */
  appOfChannel(channel: string): string | undefined {
    const open = `{${this.prefix}:`;
    if (!channel.startsWith(open)) return undefined;
    const close = channel.indexOf('}:node:', open.length);
    return close < 0 ? undefined : channel.slice(open.length, close);
  }
}
