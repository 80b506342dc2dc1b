/**
 * A gateway node killed with SIGKILL while it holds a device's socket: nothing cleans up after it. Its
 * presence entry runs out by TTL, messages sent meanwhile wait in the inbox, and the device,
 * reconnecting to the surviving node, gets them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushmuxClient, type PushmuxMessage } from '../../clients/js/index.js';
import { ConnectKeys, connectFactory, type LongConnectionService } from '../../src/connect/index.js';
import type { Gateway } from '../../src/gateway.js';
import { connectConfig, deliveryOf, registerDevice, sendTo } from '../integration/connect/connect-helpers.js';
import { eventually, testGateway } from '../support/gateway.js';
import { deleteKeys, newRedisClient, redisUrl, testPrefix } from '../support/redis.js';

async function startNodeProcess(prefix: string, nodeId: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/connect/gateway-node-process.ts'], {
    env: { ...process.env, REDIS_URL: redisUrl(), KEY_PREFIX: prefix, NODE_ID: nodeId, PORT: '0', HEARTBEAT_MS: '100' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /READY (\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`node exited (${code}) before it was ready:\n${out}`)));
  });
  return { child, base };
}

describe('a node killed with SIGKILL', () => {
  const prefix = testPrefix();
  let a: { child: ChildProcess; base: string };
  let b: Gateway;
  let bUrl: string;
  let bService: LongConnectionService | undefined;
  const clients: PushmuxClient[] = [];

  beforeAll(async () => {
    a = await startNodeProcess(prefix, 'node-a');
    b = await testGateway({ config: connectConfig(), redisUrl: redisUrl(), keyPrefix: prefix, connect: connectFactory({ nodeId: 'node-b' }, (s) => (bService = s)) });
    bUrl = await b.listen();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    if (a.child.exitCode === null) a.child.kill('SIGKILL');
    await b.close();
    const client = newRedisClient();
    await deleteKeys(client, prefix);
    await client.quit();
  });

  const connect = async (url: string, deviceId: string, key: string, received: PushmuxMessage[]) => {
    const c = new PushmuxClient({ url, app: 'shop', deviceId, deviceKey: key, onMessage: (m) => void received.push(m), minReconnectDelayMs: 50, maxReconnectDelayMs: 200 });
    clients.push(c);
    c.start();
    await eventually(async () => (c.readyState === 'connected' ? true : undefined));
    return c;
  };

  it('drops out of presence by TTL; the device gets what it missed from the surviving node', async () => {
    const redis = newRedisClient();
    try {
      const presenceKey = new ConnectKeys(prefix).presence('shop', 'phone');
      const key = await registerDevice(b, 'phone');
      const received: PushmuxMessage[] = [];
      const onA = await connect(a.base, 'phone', key, received);
      await eventually(async () => ((await redis.get(presenceKey))?.startsWith('node-a|') ? true : undefined));

      const live = await sendTo(b, ['phone'], { data: { n: '1' } });
      await eventually(async () => (received.some((m) => m.notificationId === live) ? true : undefined));
      // Node A has handled the device's ack frame (the message left the shared inbox) before it dies;
      // killed earlier, the acked message would rightly be offered again (the SDK drops the copy).
      await eventually(async () => ((await bService!.pending('shop', 'phone')).some((m) => m.notificationId === live) ? undefined : true));

      a.child.kill('SIGKILL');
      await new Promise((resolve) => a.child.once('exit', resolve));
      await onA.stop();
      // Nobody released it: it goes when its TTL (three heartbeats of the dead node) runs out.
      await eventually(async () => ((await redis.exists(presenceKey)) === 0 ? true : undefined));

      const missed = await sendTo(b, ['phone'], { data: { n: '2' } });
      await eventually(async () => ((await deliveryOf(b, missed, 'phone')).status === 'sent' ? true : undefined));
      expect((await bService!.pending('shop', 'phone')).map((m) => m.notificationId)).toEqual([missed]);

      await connect(bUrl, 'phone', key, received);
      await eventually(async () => ((await deliveryOf(b, missed, 'phone')).status === 'delivered' ? true : undefined));
      expect(received.map((m) => m.data.n)).toEqual(['1', '2']);
    } finally {
      await redis.quit();
    }
  });
});
