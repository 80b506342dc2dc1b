/**
 * Cross-node hand-off over Redis pub/sub: each node subscribes to `{prefix:app}:node:<nodeId>` for every
 * app, and a node that finds a device on another node publishes the message there.
 *
 * Plain PUBLISH, not SPUBLISH: on Redis Cluster a plain message is broadcast over the cluster bus and
 * reaches a subscriber on any node, so the subscriber needs no slot routing (ioredis's sharded
 * subscribers are newer than what we rely on). The cost is bus traffic per message; SPUBLISH keeps it
 * within the app's shard and is the upgrade path. On a cluster, PUBLISH's receiver count only covers
 * the node it was sent to, so `publish` may answer false for a live remote node: the message is in the
 * inbox anyway, and the device gets it on its socket all the same.
 */
import type { PushMessage } from '../../../providers/provider.js';
import type { RedisClient } from '../../store/redis/redis-client.js';
import type { NodeBus, NodeBusHandler } from '../node-bus.js';
import type { ConnectKeys } from './connect-keys.js';

interface Envelope {
  deviceId: string;
  message: PushMessage;
}

/** The node bus over Redis pub/sub: one subscriber connection per node. */
export class RedisNodeBus implements NodeBus {
  private subscriber: RedisClient | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly newSubscriber: () => RedisClient,
    private readonly keys: ConnectKeys,
    private readonly nodeId: string,
    private readonly onError: (error: Error) => void,
  ) {}

  async start(apps: readonly string[], handler: NodeBusHandler): Promise<void> {
    const subscriber = this.newSubscriber();
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => this.onError(error));
    subscriber.on('message', (channel: string, payload: string) => {
      const app = this.keys.appOfChannel(channel);
      if (app === undefined) return;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(payload) as Envelope;
      } catch {
        return;
      }
      handler(app, envelope.deviceId, envelope.message);
    });
    if (apps.length === 0) return;
    const channels = apps.map((app) => this.keys.nodeChannel(app, this.nodeId));
    // A Redis that is not reachable yet must not stop the node: until the subscription is in place,
    // publishers find no listener and the messages wait in the inbox. ioredis resubscribes by itself
    // after later reconnects.
    if (await this.trySubscribe(subscriber, channels)) return;
    void (async () => {
      for (let attempt = 1; this.subscriber === subscriber; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** attempt)).unref());
        if (this.subscriber !== subscriber || (await this.trySubscribe(subscriber, channels))) return;
      }
    })();
  }

  private async trySubscribe(subscriber: RedisClient, channels: string[]): Promise<boolean> {
    try {
      await subscriber.subscribe(...channels);
      return true;
    } catch (error) {
      this.onError(error as Error);
      return false;
    }
  }

  async publish(nodeId: string, app: string, deviceId: string, message: PushMessage): Promise<boolean> {
    const envelope: Envelope = { deviceId, message };
    return (await this.client.publish(this.keys.nodeChannel(app, nodeId), JSON.stringify(envelope))) > 0;
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (!subscriber) return;
    await subscriber.quit().catch(() => subscriber.disconnect());
  }
}
