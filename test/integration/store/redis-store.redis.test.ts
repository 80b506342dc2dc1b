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

describe('redis store when Redis is unreachable', () => {
  it('fails start-up with StoreUnavailableError naming the redacted URL', async () => {
    await expect(createRedisStores({ url: 'redis://:secret@127.0.0.1:1', keyPrefix: 'x', retentionSeconds: 60, connectTimeoutMs: 500 }))
      .rejects.toSatisfy((e: unknown) => e instanceof StoreUnavailableError && !e.message.includes('secret') && e.message.includes('***'));
  });
});
