import { StoreUnavailableError } from '../../errors/index.js';
import type { Stores } from '../ports.js';
import { guard } from './guard.js';
import { newRedisClient, type RedisClient } from './redis-client.js';
import { RedisDeadlineStore } from './redis-deadline-store.js';
import { RedisDeviceStore } from './redis-device-store.js';
import { RedisJobQueue } from './redis-job-queue.js';
import { RedisKeys } from './redis-keys.js';
import { RedisNotificationStore } from './redis-notification-store.js';
import { selfBatchedScriptCommands, StoreScripts } from './redis-scripts.js';

export * from './redis-client.js';
export * from './redis-deadline-store.js';
export * from './redis-device-store.js';
export * from './redis-job-queue.js';
export * from './redis-keys.js';
export * from './redis-notification-store.js';
export * from './redis-scripts.js';

export interface RedisStoreOptions {
  url: string;
  /** `url` names Redis Cluster seed nodes (comma-separated). */
  cluster?: boolean;
  keyPrefix: string;
  retentionSeconds: number;
  /** How long start-up waits for Redis before giving up. */
  connectTimeoutMs?: number;
}

/**
 * Connects to Redis and builds the durable stores. Commands fail fast while Redis is unreachable (no
 * offline queue), so the API can answer 503 instead of hanging.
 */
export async function createRedisStores(options: RedisStoreOptions): Promise<Stores & { client: RedisClient }> {
  const client = newRedisClient({
    url: options.url,
    cluster: options.cluster ?? false,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    unpipelinedCommands: selfBatchedScriptCommands(),
  });
  // Connection errors surface through /readyz and 503s; without a listener ioredis would log each one.
  client.on('error', () => {});
  try {
    await withTimeout(client.connect(), options.connectTimeoutMs ?? 10_000);
  } catch (error) {
    client.disconnect();
    throw new StoreUnavailableError(`cannot connect to Redis at ${redactUrl(options.url)}: ${(error as Error).message}`, { cause: error });
  }
  const keys = new RedisKeys(options.keyPrefix);
  const scripts = new StoreScripts(client);
  const queue = new RedisJobQueue(client, keys);
  return {
    kind: 'redis',
    client,
    devices: new RedisDeviceStore(client, keys, scripts),
    notifications: new RedisNotificationStore(client, keys, scripts, options.retentionSeconds),
    queue,
    deadlines: new RedisDeadlineStore(client, keys, scripts),
    health: {
      ping: () => guard('ping', async () => void (await client.ping())),
      async close() {
        await queue.close();
        await client.quit().catch(() => client.disconnect());
      },
    },
  };
}

/** A Redis URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
}

/** A cluster's connect() waits for every slot; bound it like a single node's connect timeout. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
