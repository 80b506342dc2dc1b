/**
 * npm run bench:ingest — accept throughput with durable storage (Redis) against a bare fastify route
 * answering 202 on the same machine, in the same run, driven by this separate load process
 * (autocannon). Also measures the batch endpoint in recipients per second. Prints one JSON line.
 * The gateway is built and run as `npm start` runs it (dist/, tsc's output, with the start script's node flags).
 *
 * The gateway and the baseline take turns (BENCH_ROUNDS, 4) within BENCH_DURATION_S each. Each has
 * CPU 0 to itself; this load process and Redis share the other CPUs (cpuPlacement; BENCH_PIN=0 leaves
 * placement to the scheduler).
 *
 * Settings (env): BENCH_DURATION_S (12), BENCH_CONNECTIONS (64), BENCH_DEVICES (10000),
 * BENCH_BATCH_SIZE notifications per batch (1000), BENCH_BATCH_RECIPIENTS per notification (10).
 * BENCH_GATEWAY_NODE_OPTIONS is added to the gateway process's NODE_OPTIONS only, for profiling (e.g.
 * `--import=/path/to/profiler.mjs`; Node 20 refuses --cpu-prof there); the baseline never gets it.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { benchRedis, buildGateway, cpuPlacement, startNodeProcess, writeTempConfig } from './support/processes.js';

const durationS = Number(process.env.BENCH_DURATION_S ?? 12);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const deviceCount = Number(process.env.BENCH_DEVICES ?? 10_000);
const batchSize = Number(process.env.BENCH_BATCH_SIZE ?? 1_000);
const batchRecipients = Number(process.env.BENCH_BATCH_RECIPIENTS ?? 10);
/** Turns each side takes, BENCH_DURATION_S split between them. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
const key = 'bench-key-0123456789abcdef';

interface LoadResult {
  requestsPerS: number;
  /** Requests answered, and over how many seconds (autocannon's own clock). */
  total: number;
  seconds: number;
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
  return { requestsPerS: result.requests.average, total: result.requests.total, seconds: result.duration, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

/** User + system CPU time of a process so far (ms), from /proc (Linux). */
function readProcessCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Redis's own CPU time so far (ms), from INFO cpu. */
async function readRedisCpuMs(url: string): Promise<number> {
  const client = new Redis(url);
  try {
    const info = await client.info('cpu');
    const seconds = (field: string) => Number(new RegExp(`^${field}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
    const user = seconds('used_cpu_user');
    const sys = seconds('used_cpu_sys');
    return (user + sys) * 1000;
  } finally {
    await client.quit();
  }
}

/** Kernel clock ticks per second (USER_HZ), 100 on Linux. */
const CLOCK_TICKS = 100;

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
const gatewayNodeOptions = process.env.BENCH_GATEWAY_NODE_OPTIONS;
const { entry, nodeArgs } = buildGateway();
const gateway = await startNodeProcess(entry, {
  PUSHMUX_CONFIG: configPath, REDIS_URL: redis.url, PUSHMUX_LOG_LEVEL: 'warn',
  ...(gatewayNodeOptions ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${gatewayNodeOptions}`.trim() } : {}),
}, '/healthz', nodeArgs);
let output: Record<string, unknown>;
// The baseline runs beside the gateway from the start (an idle server costs nothing), so the two can
// take turns: on a shared 2-core host the speed drifts by tens of percent within a minute, and a
// gateway phase followed by a baseline phase would measure the drift as much as the gateway.
const bare = await startNodeProcess('bench/support/bare-server.mjs', {});
const placement = cpuPlacement();
placement?.server(gateway.child.pid);
placement?.server(bare.child.pid);
placement?.helper(redis.pid);
placement?.helper(process.pid);
try {
  await registerDevices(gateway.base);
  const single = JSON.stringify({ to: { deviceIds: ['d42'] }, title: 'Order shipped', body: 'Your parcel is on its way', data: { orderId: '42' } });
  const gatewayUrl = `${gateway.base}/v1/apps/bench/notifications`;
  const bareUrl = `${bare.base}/v1/apps/bench/notifications`;
  // Warm-up so JIT and connection pools are hot in both.
  await load(gatewayUrl, single, { connections, durationS: 2 });
  await load(bareUrl, single, { connections, durationS: 2 });

  const sides = {
    gateway: { url: gatewayUrl, pid: gateway.child.pid, requests: 0, seconds: 0, cpuMs: 0, p99s: [] as number[], errors: 0 },
    baseline: { url: bareUrl, pid: bare.child.pid, requests: 0, seconds: 0, cpuMs: 0, p99s: [] as number[], errors: 0 },
  };
  let redisCpuMs = 0;
  const roundS = Math.max(1, Math.round(durationS / ROUNDS));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate who goes first, so neither always follows the other.
    const order = round % 2 === 0 ? [sides.gateway, sides.baseline] : [sides.baseline, sides.gateway];
    for (const side of order) {
      const cpu0 = readProcessCpuMs(side.pid);
      const redis0 = side === sides.gateway ? await readRedisCpuMs(redis.url) : 0;
      const result = await load(side.url, single, { connections, durationS: roundS });
      side.cpuMs += readProcessCpuMs(side.pid) - cpu0;
      if (side === sides.gateway) redisCpuMs += (await readRedisCpuMs(redis.url)) - redis0;
      side.requests += result.total;
      side.seconds += result.seconds;
      side.p99s.push(result.p99Ms);
      side.errors += result.errors + (side === sides.gateway ? result.non2xx : 0);
    }
  }
  const rate = (side: typeof sides.gateway) => side.requests / side.seconds;

  const notifications = Array.from({ length: batchSize }, (_, n) => ({
    to: { deviceIds: Array.from({ length: batchRecipients }, (_, r) => `d${(n * batchRecipients + r) % deviceCount}`) },
    title: 'Flash sale', body: 'Today only', data: { campaign: 'c1' },
  }));
  const batchBody = JSON.stringify({ notifications });
  const batch = await load(`${gateway.base}/v1/apps/bench/notifications/batch`, batchBody, { connections: 4, durationS });

  output = {
    bench: 'ingest',
    store: 'redis',
    duration_s: durationS,
    rounds: ROUNDS,
    connections,
    pinned: placement !== undefined,
    accepted_per_s: Math.round(rate(sides.gateway)),
    baseline_per_s: Math.round(rate(sides.baseline)),
    ratio: Number((rate(sides.gateway) / rate(sides.baseline)).toFixed(3)),
    p99_ms: Math.max(...sides.gateway.p99s),
    // CPU per request is steadier than rates on a shared 2-core machine: compare these across runs.
    gateway_cpu_us_per_req: Math.round((sides.gateway.cpuMs * 1000) / Math.max(1, sides.gateway.requests)),
    redis_cpu_us_per_req: Math.round((redisCpuMs * 1000) / Math.max(1, sides.gateway.requests)),
    baseline_cpu_us_per_req: Math.round((sides.baseline.cpuMs * 1000) / Math.max(1, sides.baseline.requests)),
    baseline_p99_ms: Math.max(...sides.baseline.p99s),
    batch_requests_per_s: Number(batch.requestsPerS.toFixed(2)),
    batch_recipients_per_s: Math.round(batch.requestsPerS * batchSize * batchRecipients),
    batch_shape: `${batchSize} notifications x ${batchRecipients} recipients`,
    batch_p99_ms: batch.p99Ms,
    errors: sides.gateway.errors + batch.errors + batch.non2xx,
  };
} finally {
  await bare.stop();
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
