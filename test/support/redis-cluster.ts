/**
 * A local 3-node Redis Cluster (no replicas) for tests that prove the stores are cluster-safe: every
 * script and transaction must touch one slot, or the cluster refuses it with CROSSSLOT.
 */
import { spawnSync } from 'node:child_process';
import { startRedisServer, type RedisServerHandle } from './redis-server.js';

export interface RedisClusterHandle {
  /** Seed nodes, comma-separated redis:// URLs. */
  url: string;
  stop(): Promise<void>;
}

export async function startRedisCluster(nodes = 3): Promise<RedisClusterHandle> {
  const servers: RedisServerHandle[] = [];
  try {
    for (let i = 0; i < nodes; i++) servers.push(await startRedisServer(['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000']));
    const addresses = servers.map((s) => s.url.replace('redis://', ''));
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 30_000 });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}\n${created.stderr}`);
    // Every node must see the whole cluster, not only the first: a node whose gossip has not caught up
    // still answers cluster_state:fail, and a client's ready check on it retries past its timeout.
    const deadline = Date.now() + 20_000;
    for (const address of addresses) {
      const [host, port] = address.split(':') as [string, string];
      for (;;) {
        const info = spawnSync('redis-cli', ['-h', host, '-p', port, 'cluster', 'info'], { encoding: 'utf8' });
        if (info.stdout.includes('cluster_state:ok') && info.stdout.includes(`cluster_known_nodes:${nodes}`)) break;
        if (Date.now() > deadline) throw new Error(`cluster node ${address} did not become ready:\n${info.stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return {
      url: servers.map((s) => s.url).join(','),
      async stop() {
        await Promise.all(servers.map((s) => s.stop()));
      },
    };
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
}
