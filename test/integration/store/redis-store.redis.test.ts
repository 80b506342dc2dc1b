import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../../src/errors/index.js';
import { createRedisStores } from '../../../src/store/redis/index.js';
import { deleteKeys, newRedisClient, redisUrl, testPrefix } from '../../support/redis.js';
import { storeContract } from './store-contract.js';

const cleaner = newRedisClient();
afterAll(() => cleaner.quit());

storeContract(
  'redis',
  async () => {
    const prefix = testPrefix();
    const stores = await createRedisStores({ url: redisUrl(), keyPrefix: prefix, retentionSeconds: 600 });
    return { stores, app: 'app1', prefix } as never;
  },
  async (fixture) => {
    await fixture.stores.health.close();
    await deleteKeys(cleaner, (fixture as unknown as { prefix: string }).prefix);
  },
);

describe('redis job queue acks', () => {
  it('acks the jobs of one event-loop turn in one transaction, and each caller learns of its own ack', async () => {
    const prefix = testPrefix();
    const stores = await createRedisStores({ url: redisUrl(), keyPrefix: prefix, retentionSeconds: 600 });
    try {
      const ids = Array.from({ length: 20 }, (_, i) => `d${i}`);
      await Promise.all(ids.map((id) => stores.devices.put('app1', { id, platform: 'ios', tokens: { apns: id }, key: 'k'.repeat(32), createdAt: 1, updatedAt: 1 })));
      const now = Date.now();
      await stores.notifications.accept({ id: 'n1', app: 'app1', deviceIds: ids, data: {}, priority: 'high', ttlSeconds: 60, createdAt: now, expiresAt: now + 60_000 },
        { devicesPerJob: 1, idempotencyTtlSeconds: 60, retentionSeconds: 600 });
      const jobs = await stores.queue.take('app1', 'w1', 50, 10);
      expect(jobs).toHaveLength(20);
      const multi = vi.spyOn(stores.client, 'multi');
      await Promise.all(jobs.map((job) => stores.queue.ack('app1', job.id)));
      expect(multi).toHaveBeenCalledTimes(1);
      expect(await stores.queue.stats('app1')).toEqual({ depth: 0, oldestAgeMs: 0 });
      expect(await stores.queue.reclaim('app1', 'w2', 0, 50)).toEqual([]);
    } finally {
      await stores.health.close();
      await deleteKeys(cleaner, prefix);
    }
  });
});

describe('redis notification records', () => {
  it('stores a notification as one string with its retention, and still reads one an earlier version stored as a hash', async () => {
    const prefix = testPrefix();
    const stores = await createRedisStores({ url: redisUrl(), keyPrefix: prefix, retentionSeconds: 600 });
    try {
      await stores.devices.put('app1', { id: 'a', platform: 'ios', tokens: { apns: 'a' }, key: 'k'.repeat(32), createdAt: 1, updatedAt: 1 });
      const now = Date.now();
      const record = { id: 'n1', app: 'app1', deviceIds: ['a'], title: 'line one\nline two', data: { k: 'v\n' }, priority: 'high' as const, ttlSeconds: 60, createdAt: now, expiresAt: now + 60_000 };
      await stores.notifications.accept(record, { devicesPerJob: 10, idempotencyTtlSeconds: 60, retentionSeconds: 600 });
      const key = `{${prefix}:app1}:n:n1`;
      expect(await cleaner.type(key)).toBe('string');
      expect(await cleaner.ttl(key)).toBeGreaterThan(590);
      expect(await stores.notifications.get('app1', 'n1')).toMatchObject({ id: 'n1', deviceIds: ['a'], title: 'line one\nline two', data: { k: 'v\n' } });

      // The hash layout accepts had before (doc, devices, count): still readable until it expires.
      const old = `{${prefix}:app1}:n:old`;
      await cleaner.hset(old, 'doc', JSON.stringify({ id: 'old', app: 'app1', title: 't', data: {}, priority: 'normal', ttlSeconds: 60, createdAt: now, expiresAt: now + 60_000 }), 'devices', 'a,b', 'count', 2);
      expect(await stores.notifications.get('app1', 'old')).toMatchObject({ id: 'old', deviceIds: ['a', 'b'], title: 't' });
      expect(await stores.notifications.get('app1', 'missing')).toBeUndefined();
    } finally {
      await stores.health.close();
      await deleteKeys(cleaner, prefix);
    }
  });
});

/**
 * A TCP proxy in front of the test Redis that forwards commands at once and, while holding, keeps
 * Redis's replies back: it shows what the client sends before any answer arrives.
 */
async function replyHoldingProxy(target: string): Promise<{ url: string; sent(): string; hold(): void; release(): void; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  let holding = false;
  let sent = '';
  const held: { socket: Socket; chunk: Buffer }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => { sent += chunk.toString('latin1'); upstream.write(chunk); });
    upstream.on('data', (chunk: Buffer) => (holding ? held.push({ socket: client, chunk }) : client.write(chunk)));
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => sent,
    hold: () => { holding = true; sent = ''; },
    release() {
      holding = false;
      for (const { socket, chunk } of held.splice(0)) socket.write(chunk);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('redis accept group commit', () => {
  it('sends a group while the previous group is still waiting for its answer', async () => {
    const proxy = await replyHoldingProxy(redisUrl());
    const prefix = testPrefix();
    const stores = await createRedisStores({ url: proxy.url, keyPrefix: prefix, retentionSeconds: 600 });
    try {
      await stores.devices.put('app1', { id: 'a', platform: 'ios', tokens: { apns: 'a' }, key: 'k'.repeat(32), createdAt: 1, updatedAt: 1 });
      const now = Date.now();
      const accept = (id: string) => stores.notifications.accept(
        { id, app: 'app1', deviceIds: ['a'], data: {}, priority: 'high', ttlSeconds: 60, createdAt: now, expiresAt: now + 60_000 },
        { devicesPerJob: 10, idempotencyTtlSeconds: 60, retentionSeconds: 600 },
      );
      // Loads the script (EVALSHA, then EVAL on NOSCRIPT) while answers still flow.
      await accept('warm');
      proxy.hold();
      const evalshas = () => proxy.sent().split('\r\nevalsha\r\n').length - 1;
      const first = accept('n1');
      await vi.waitFor(() => expect(evalshas()).toBe(1));
      // Another turn, so another group: it must not queue behind the first one's unanswered round
      // trip (ioredis's auto-pipelining would hold it until the first answer arrives).
      const second = accept('n2');
      await vi.waitFor(() => expect(evalshas()).toBe(2), { timeout: 2_000 });
      proxy.release();
      expect(await Promise.all([first, second])).toMatchObject([{ status: 'stored', id: 'n1' }, { status: 'stored', id: 'n2' }]);
    } finally {
      proxy.release();
      await stores.health.close();
      await proxy.close();
      await deleteKeys(cleaner, prefix);
    }
  });
});

describe('redis store when Redis is unreachable', () => {
  it('fails start-up with StoreUnavailableError naming the redacted URL', async () => {
    await expect(createRedisStores({ url: 'redis://:secret@127.0.0.1:1', keyPrefix: 'x', retentionSeconds: 60, connectTimeoutMs: 500 }))
      .rejects.toSatisfy((e: unknown) => e instanceof StoreUnavailableError && !e.message.includes('secret') && e.message.includes('***'));
  });
});
