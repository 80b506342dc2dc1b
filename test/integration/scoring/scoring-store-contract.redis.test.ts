import type { Redis } from 'ioredis';
import { describe } from 'vitest';
import { MemoryScoringStore, RedisScoringStore } from '../../../scoring/index.js';
import { deleteKeys, newRedisClient, testPrefix } from '../../support/redis.js';
import { scoringStoreContract } from './scoring-store-contract.js';

describe('MemoryScoringStore contract', () => {
  scoringStoreContract({
    create: async () => new MemoryScoringStore(),
    cleanup: async () => {},
  });
});

describe('RedisScoringStore contract', () => {
  let client: Redis | undefined;
  let prefix = '';
  scoringStoreContract({
    create: async () => {
      client = newRedisClient();
      prefix = testPrefix();
      return new RedisScoringStore(client, { prefix });
    },
    cleanup: async () => {
      if (client === undefined) return;
      await deleteKeys(client, prefix);
      await client.quit();
      client = undefined;
    },
  });
});
