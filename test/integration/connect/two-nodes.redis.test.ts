/**
 * Two gateway nodes on one Redis: a device connected to node A gets a notification accepted (and
 * worked) at node B through presence and pub/sub; when A goes away, the device reconnecting to B gets
 * what it missed from the inbox. A node that died without cleaning up is found out by pub/sub and its
 * presence runs out by TTL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushmuxClient, type PushmuxMessage } from '../../../clients/js/index.js';
import { ConnectKeys, connectFactory, type LongConnectionService } from '../../../src/connect/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { eventually, testGateway } from '../../support/gateway.js';
import { deleteKeys, newRedisClient, redisUrl, testPrefix } from '../../support/redis.js';
import { connectConfig, deliveryOf, openRaw, registerDevice, sendTo, tokenFor } from './connect-helpers.js';

interface Node {
  gw: Gateway;
  url: string;
  service: LongConnectionService;
}

async function node(prefix: string, nodeId: string, worker: boolean): Promise<Node> {
  let service: LongConnectionService | undefined;
  const gw = await testGateway({ config: connectConfig(), redisUrl: redisUrl(), keyPrefix: prefix, worker, connect: connectFactory({ nodeId }, (s) => (service = s)) });
  const url = await gw.listen();
  return { gw, url, service: service! };
}

describe('two nodes on one Redis', () => {
  const prefix = testPrefix();
  let a: Node;
  let b: Node;
  const clients: PushmuxClient[] = [];

  beforeAll(async () => {
    // A runs no worker: every delivery is worked at B, so reaching A's socket must cross pub/sub.
    a = await node(prefix, 'node-a', false);
    b = await node(prefix, 'node-b', true);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await a.gw.close();
    await b.gw.close();
    const client = newRedisClient();
    await deleteKeys(client, prefix);
    await client.quit();
  });

  const connect = async (url: string, deviceId: string, key: string, received: PushmuxMessage[]) => {
    const c = new PushmuxClient({ url, app: 'shop', deviceId, deviceKey: key, onMessage: (m) => void received.push(m), minReconnectDelayMs: 20, maxReconnectDelayMs: 100 });
    clients.push(c);
    c.start();
    await eventually(async () => (c.readyState === 'connected' ? true : undefined));
    return c;
  };

  it('delivers across nodes, then from the inbox after the first node is gone', async () => {
    const key = await registerDevice(b.gw, 'roamer');
    const received: PushmuxMessage[] = [];
    const onA = await connect(a.url, 'roamer', key, received);
    expect(a.service.connections).toBe(1);

    const first = await sendTo(b.gw, ['roamer'], { data: { n: '1' } });
    await eventually(async () => (received.some((m) => m.notificationId === first) ? true : undefined));
    const delivered = await eventually(async () => {
      const d = await deliveryOf(b.gw, first, 'roamer');
      return d.status === 'delivered' ? d : undefined;
    });
    expect(delivered.channel).toBe('longconn');
    expect(delivered.events).toContainEqual(expect.objectContaining({ type: 'ack', source: 'device-ws' }));
    // B's worker found the socket on A (not just the inbox).
    expect(delivered.events).toContainEqual(expect.objectContaining({ type: 'attempt', channel: 'longconn', providerMessageId: 'online' }));

    // Node A goes away; the device loses its socket and is offline while the next message is sent.
    await onA.stop();
    await a.gw.close();
    const missed = await sendTo(b.gw, ['roamer'], { data: { n: '2' } });
    await eventually(async () => {
      const d = await deliveryOf(b.gw, missed, 'roamer');
      return d.status === 'sent' ? d : undefined;
    });

    await connect(b.url, 'roamer', key, received);
    await eventually(async () => (received.some((m) => m.notificationId === missed) ? true : undefined));
    await eventually(async () => ((await deliveryOf(b.gw, missed, 'roamer')).status === 'delivered' ? true : undefined));
    expect(received.map((m) => m.data.n)).toEqual(['1', '2']);
    expect(await b.service.pending('shop', 'roamer')).toEqual([]);
  });

  it('a node that died without cleaning up: nobody hears its channel, so the message waits in the inbox', async () => {
    const redis = newRedisClient();
    try {
      const keys = new ConnectKeys(prefix);
      await registerDevice(b.gw, 'orphan');
      // What a killed node leaves behind: its presence entry, still within its TTL.
      await redis.set(keys.presence('shop', 'orphan'), 'node-dead|7', 'PX', 60_000);
      const message = { notificationId: 'n-orphan', appId: 'shop', data: {}, priority: 'normal' as const, ttlSeconds: 60, expiresAt: Date.now() + 60_000 };
      expect(await b.service.deliver('shop', 'orphan', message)).toBe('inbox');
      expect((await b.service.pending('shop', 'orphan')).map((m) => m.notificationId)).toEqual(['n-orphan']);
      // Presence entries are never kept without a TTL.
      const key = await registerDevice(b.gw, 'ttl-check');
      await connect(b.url, 'ttl-check', key, []);
      await eventually(async () => ((await redis.pttl(keys.presence('shop', 'ttl-check'))) > 0 ? true : undefined));
      expect(await redis.get(keys.presence('shop', 'ttl-check'))).toMatch(/^node-b\|\d+$/);
    } finally {
      await redis.quit();
    }
  });

  it('keeps the inbox bounded and counts its depth per app', async () => {
    const service = b.service;
    const base = { appId: 'shop', data: {}, priority: 'normal' as const, ttlSeconds: 60 };
    await registerDevice(b.gw, 'hoarder');
    for (let i = 0; i < 105; i++) await service.deliver('shop', 'hoarder', { ...base, notificationId: `h-${i}`, expiresAt: Date.now() + 60_000 + i });
    const pending = await service.pending('shop', 'hoarder');
    expect(pending).toHaveLength(100);
    // The five closest to expiry were dropped.
    expect(pending[0]?.notificationId).toBe('h-5');
    const text = await b.gw.metrics.registry.metrics();
    const depth = Number(/pushmux_inbox_depth\{app="shop"\} (\d+)/.exec(text)?.[1]);
    expect(depth).toBeGreaterThanOrEqual(100);
  });
});

describe('a device that moves to another node', () => {
  it('is closed on the node it left (4000) once that node sees the newer presence', async () => {
    const prefix = testPrefix();
    const fast = { heartbeatIntervalMs: 100, idleTimeoutMs: 1_000 };
    const start = async (nodeId: string) => {
      let service: LongConnectionService | undefined;
      const gw = await testGateway({ config: connectConfig(), redisUrl: redisUrl(), keyPrefix: prefix, worker: false, connect: connectFactory({ nodeId, ...fast }, (s) => (service = s)) });
      return { gw, url: await gw.listen(), service: service! };
    };
    const a = await start('move-a');
    const b = await start('move-b');
    try {
      const key = await registerDevice(a.gw, 'mover');
      const onA = await openRaw(a.url, 'shop', tokenFor('mover', key));
      if (!onA.ok) throw new Error('refused');
      // A has claimed the device before B does (the claim follows the welcome frame).
      await eventually(async () => (onA.frames.length > 0 && a.service.connections === 1 ? true : undefined));
      const redis = newRedisClient();
      await eventually(async () => ((await redis.get(new ConnectKeys(prefix).presence('shop', 'mover')))?.startsWith('move-a|') ? true : undefined));
      await redis.quit();
      const onB = await openRaw(b.url, 'shop', tokenFor('mover', key));
      if (!onB.ok) throw new Error('refused');
      expect((await onA.closed).code).toBe(4000);
      expect(a.service.connections).toBe(0);
      expect(b.service.connections).toBe(1);
      onB.ws.close();
    } finally {
      await a.gw.close();
      await b.gw.close();
      const client = newRedisClient();
      await deleteKeys(client, prefix);
      await client.quit();
    }
  });
});
