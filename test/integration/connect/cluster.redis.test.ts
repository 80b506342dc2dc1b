/**
 * The long connection on a 3-node Redis Cluster: every script touches one slot (the app's hash tag), and
 * the node channels (plain PUBLISH, broadcast over the cluster bus) reach a subscriber wherever it is
 * connected. Two gateway nodes: the device on A gets a notification worked at B, then its inbox on B.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushmuxClient, type PushmuxMessage } from '../../../clients/js/index.js';
import { connectFactory, type LongConnectionService } from '../../../src/connect/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { startRedisCluster, type RedisClusterHandle } from '../../support/redis-cluster.js';
import { eventually, testGateway } from '../../support/gateway.js';
import { testPrefix } from '../../support/redis.js';
import { connectConfig, deliveryOf, registerDevice, sendTo } from './connect-helpers.js';

describe('long connection on Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  const prefix = testPrefix();
  const nodes: { gw: Gateway; url: string; service: LongConnectionService }[] = [];
  const clients: PushmuxClient[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
    for (const [nodeId, worker] of [['node-a', false], ['node-b', true]] as const) {
      let service: LongConnectionService | undefined;
      const config = { ...connectConfig(), redis: { url: cluster.url, cluster: true, keyPrefix: prefix } };
      const gw = await testGateway({ config, worker, connect: connectFactory({ nodeId }, (s) => (service = s)) });
      nodes.push({ gw, url: await gw.listen(), service: service! });
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    for (const node of nodes) await node.gw.close();
    await cluster?.stop();
  });

  it('crosses nodes through the cluster and keeps the inbox in one slot', async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const key = await registerDevice(b.gw, 'c-1');
    const received: PushmuxMessage[] = [];
    const client = new PushmuxClient({ url: a.url, app: 'shop', deviceId: 'c-1', deviceKey: key, onMessage: (m) => void received.push(m), minReconnectDelayMs: 20, maxReconnectDelayMs: 100 });
    clients.push(client);
    client.start();
    await eventually(async () => (client.readyState === 'connected' ? true : undefined));

    const id = await sendTo(b.gw, ['c-1']);
    await eventually(async () => (received.some((m) => m.notificationId === id) ? true : undefined), 10_000);
    await eventually(async () => ((await deliveryOf(b.gw, id, 'c-1')).status === 'delivered' ? true : undefined), 10_000);
    expect(await b.service.pending('shop', 'c-1')).toEqual([]);

    await client.stop();
    await eventually(async () => (a.service.connections === 0 ? true : undefined));
    const missed = await sendTo(b.gw, ['c-1']);
    await eventually(async () => ((await b.service.pending('shop', 'c-1')).length === 1 ? true : undefined), 10_000);
    expect((await b.service.pending('shop', 'c-1'))[0]?.notificationId).toBe(missed);
  });
});
