/**
 * npm run bench:pipeline — the whole loop at load, on Redis: accept (batch API) → send (live APNs
 * adapter into the APNs mock) → the simulated device acks over HTTP → delivered, scored. Two gateway
 * instances share the work (acks and deadlines tracked in Redis). Prints one JSON line with
 * delivered_per_s, p50/p99 accept-to-ack latency, lost and duplicates (counted at the devices).
 *
 * Settings (env): BENCH_NOTIFICATIONS (20000), BENCH_DEVICES (2000), BENCH_INSTANCES 1 or 2 (2).
 */
import { runCrashDrill } from '../test/support/crash-drill.js';
import { benchRedis, buildGateway } from './support/processes.js';

const notifications = Number(process.env.BENCH_NOTIFICATIONS ?? 20_000);
const devices = Number(process.env.BENCH_DEVICES ?? 2_000);
const instances = process.env.BENCH_INSTANCES === '1' ? 1 : 2;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

// The gateways run as `npm start` runs them: the build, not the TypeScript loader.
const entry = buildGateway();
const redis = await benchRedis();
try {
  const result = await runCrashDrill({
    entry,
    redisUrl: redis.url,
    keyPrefix: `pipeline-${Date.now()}`,
    notifications,
    devices,
    takeover: instances === 2 ? 'peer' : 'restart',
    kill: false,
    timeoutMs: 240_000,
  });
  const latencies = [...result.ackLatenciesMs].sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({
    bench: 'pipeline',
    store: 'redis',
    instances,
    accepted: result.accepted,
    delivered: result.delivered,
    delivered_per_s: Math.round(result.delivered / (result.ackSpanMs / 1000)),
    p50_ack_ms: percentile(latencies, 50),
    p99_ack_ms: percentile(latencies, 99),
    lost: result.lost,
    duplicates: result.duplicates,
    failed: result.failed,
    expired: result.expired,
  })}\n`);
} finally {
  await redis.stop();
}
