/**
 * npm run bench:ingest — accept throughput with durable storage (Redis) against a bare fastify route
 * answering 202 on the same machine, in the same run, driven by this separate load process
 * (autocannon). Also measures the batch endpoint in recipients per second. Prints one JSON line.
 *
 * Settings (env): BENCH_DURATION_S (10), BENCH_CONNECTIONS (64), BENCH_DEVICES (10000),
 * BENCH_BATCH_SIZE notifications per batch (1000), BENCH_BATCH_RECIPIENTS per notification (10).
 */
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { benchRedis, startNodeProcess, writeTempConfig } from './support/processes.js';

const durationS = Number(process.env.BENCH_DURATION_S ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const deviceCount = Number(process.env.BENCH_DEVICES ?? 10_000);
const batchSize = Number(process.env.BENCH_BATCH_SIZE ?? 1_000);
const batchRecipients = Number(process.env.BENCH_BATCH_RECIPIENTS ?? 10);
const key = 'bench-key-0123456789abcdef';

interface LoadResult {
  requestsPerS: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, body: string, options: { connections: number; durationS: number; pipelining?: number }): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    pipelining: options.pipelining ?? 1,
    duration: options.durationS,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
  });
  return { requestsPerS: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function registerDevices(base: string): Promise<void> {
  const brands = ['xiaomi', 'huawei', 'oppo', 'vivo', 'samsung', 'google', 'honor', 'apple'];
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < deviceCount) {
      const i = next++;
      const brand = brands[i % brands.length] as string;
      const body = brand === 'apple'
        ? { platform: 'ios', brand, model: `iphone-${i % 7}`, tokens: { apns: `a${i}` } }
        : { platform: 'android', brand, model: `${brand}-${i % 25}`, tokens: { fcm: `f${i}`, jpush: `j${i}` } };
      const res = await fetch(`${base}/v1/apps/bench/devices/d${i}`, { method: 'PUT', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`device registration failed: ${res.status} ${await res.text()}`);
    }
  }));
}

const redis = await benchRedis();
const prefix = `bench-${Date.now()}`;
const configPath = writeTempConfig(`
server: { logLevel: warn }
redis: { keyPrefix: ${prefix} }
pipeline: { worker: false }
apps:
  bench:
    apiKeys: [{ key: ${key}, scopes: [send, devices] }]
    providers:
      apns: { sandbox: {} }
      fcm: { sandbox: {} }
      jpush: { sandbox: {} }
`);
// API-only node: the benchmark measures accepting (stored durably), not delivering.
const gateway = await startNodeProcess('src/main.ts', { PUSHMUX_CONFIG: configPath, REDIS_URL: redis.url, PUSHMUX_LOG_LEVEL: 'warn' });
let output: Record<string, unknown>;
try {
  await registerDevices(gateway.base);
  const single = JSON.stringify({ to: { deviceIds: ['d42'] }, title: 'Order shipped', body: 'Your parcel is on its way', data: { orderId: '42' } });
  // Warm-up so JIT and connection pools are hot in both runs.
  await load(`${gateway.base}/v1/apps/bench/notifications`, single, { connections, durationS: 2 });
  const accepted = await load(`${gateway.base}/v1/apps/bench/notifications`, single, { connections, durationS });

  const notifications = Array.from({ length: batchSize }, (_, n) => ({
    to: { deviceIds: Array.from({ length: batchRecipients }, (_, r) => `d${(n * batchRecipients + r) % deviceCount}`) },
    title: 'Flash sale', body: 'Today only', data: { campaign: 'c1' },
  }));
  const batchBody = JSON.stringify({ notifications });
  const batch = await load(`${gateway.base}/v1/apps/bench/notifications/batch`, batchBody, { connections: 4, durationS });
  await gateway.stop();

  const bare = await startNodeProcess('bench/support/bare-server.ts', {});
  await load(`${bare.base}/v1/apps/bench/notifications`, single, { connections, durationS: 2 });
  const baseline = await load(`${bare.base}/v1/apps/bench/notifications`, single, { connections, durationS });
  await bare.stop();

  output = {
    bench: 'ingest',
    store: 'redis',
    duration_s: durationS,
    connections,
    accepted_per_s: Math.round(accepted.requestsPerS),
    baseline_per_s: Math.round(baseline.requestsPerS),
    ratio: Number((accepted.requestsPerS / baseline.requestsPerS).toFixed(3)),
    p99_ms: accepted.p99Ms,
    baseline_p99_ms: baseline.p99Ms,
    batch_requests_per_s: Number(batch.requestsPerS.toFixed(2)),
    batch_recipients_per_s: Math.round(batch.requestsPerS * batchSize * batchRecipients),
    batch_shape: `${batchSize} notifications x ${batchRecipients} recipients`,
    batch_p99_ms: batch.p99Ms,
    errors: accepted.errors + accepted.non2xx + batch.errors + batch.non2xx,
  };
} finally {
  await gateway.stop();
  // Leave a shared Redis as we found it.
  const client = new Redis(redis.url);
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `{${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
  await client.quit();
  await redis.stop();
}
process.stdout.write(`${JSON.stringify(output)}\n`);
