import { afterAll, describe, expect, it } from 'vitest';
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

describe('redis store when Redis is unreachable', () => {
  it('fails start-up with StoreUnavailableError naming the redacted URL', async () => {
    await expect(createRedisStores({ url: 'redis://:secret@127.0.0.1:1', keyPrefix: 'x', retentionSeconds: 60, connectTimeoutMs: 500 }))
      .rejects.toSatisfy((e: unknown) => e instanceof StoreUnavailableError && !e.message.includes('secret') && e.message.includes('***'));
  });
});
