/** Test helpers for suites that talk to the shared test Redis. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, inject } from 'vitest';
import type { Gateway } from '../../src/gateway.js';

/** The URL of the run's Redis (REDIS_URL or the one globalSetup started). */
export function redisUrl(): string {
  return inject('redisUrl');
}

/** A fresh client; the caller quits it. */
export function newRedisClient(): Redis {
  return new Redis(redisUrl(), { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** A unique key prefix per test so suites never see each other's data. */
export function testPrefix(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under a prefix (SCAN, never KEYS). */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

/**
 * A test file's gateways on the run's Redis, under a key prefix of its own: after the file's tests they
 * are closed and every key under the prefix is deleted. Push each gateway the file starts.
 */
export function redisGateways(): { prefix: string; gateways: Gateway[] } {
  const scope = { prefix: testPrefix(), gateways: [] as Gateway[] };
  const cleaner = newRedisClient();
  afterAll(async () => {
    for (const gw of scope.gateways) await gw.close();
    await deleteKeys(cleaner, scope.prefix);
    await cleaner.quit();
  });
  return scope;
}
