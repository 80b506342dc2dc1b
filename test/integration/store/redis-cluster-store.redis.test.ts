/**
 * The same store contract on a 3-node Redis Cluster: keys hash-tagged per app keep every script and
 * transaction in one slot (the cluster would answer CROSSSLOT otherwise).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createRedisStores } from '../../../src/store/redis/index.js';
import { startRedisCluster, type RedisClusterHandle } from '../../support/redis-cluster.js';
import { storeContract } from './store-contract.js';

let cluster: RedisClusterHandle;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(() => cluster?.stop());

storeContract(
  'redis cluster',
  async () => {
    // A fresh prefix per test; the cluster is thrown away at the end, so no clean-up is needed.
    const stores = await createRedisStores({ url: cluster.url, cluster: true, keyPrefix: `c-${randomUUID().slice(0, 8)}`, retentionSeconds: 600 });
    return { stores, app: `app${randomUUID().slice(0, 4)}` };
  },
  async ({ stores }) => stores.health.close(),
);
