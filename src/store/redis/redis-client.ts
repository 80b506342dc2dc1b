/**
 * The Redis connection: a single node or a Redis Cluster, behind one type. The stores use only commands
 * both support, on keys that share one hash tag per app.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

export interface RedisConnectOptions {
  /** One URL, or for a cluster a comma-separated list of seed nodes. */
  url: string;
  cluster: boolean;
  connectTimeoutMs: number;
  /** Commands sent as they come, outside auto-pipelining: their callers batch them already. */
  unpipelinedCommands?: string[];
}

/** Fail fast while Redis is unreachable (no offline queue), so the API answers 503 instead of hanging. */
const COMMON: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  // Commands issued in the same tick by concurrent requests go out as one pipeline.
  enableAutoPipelining: true,
  retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
};

export function newRedisClient(options: RedisConnectOptions): RedisClient {
  const autoPipeliningIgnoredCommands = options.unpipelinedCommands ?? [];
  if (!options.cluster) return new Redis(options.url, { ...COMMON, autoPipeliningIgnoredCommands, connectTimeout: options.connectTimeoutMs });
  const nodes = options.url.split(',').map((seed) => {
    const parsed = new URL(seed.trim());
    return { host: parsed.hostname, port: Number(parsed.port || 6379) };
  });
  const first = new URL(options.url.split(',')[0]?.trim() ?? options.url);
  const clusterOptions: ClusterOptions = {
    lazyConnect: true,
    // Without a queue, the cluster's own slot refresh races the node connections and connect() can
    // stall; commands still fail once a node has stayed down past one retry.
    enableOfflineQueue: true,
    enableAutoPipelining: true,
    autoPipeliningIgnoredCommands,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // Node connections are the cluster's to open and queue; commands still fail after one retry.
    redisOptions: {
      maxRetriesPerRequest: 1,
      connectTimeout: options.connectTimeoutMs,
      password: first.password ? decodeURIComponent(first.password) : undefined,
      username: first.username ? decodeURIComponent(first.username) : undefined,
    },
  };
  return new Cluster(nodes, clusterOptions);
}

/** A second connection for blocking reads, which would otherwise stall every other command. */
export function duplicateForBlocking(client: RedisClient): RedisClient {
  if (client instanceof Cluster) {
    return client.duplicate(undefined, { enableOfflineQueue: true, lazyConnect: false });
  }
  return client.duplicate({ lazyConnect: false, enableOfflineQueue: true });
}
