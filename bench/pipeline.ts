/**
 * npm run bench:pipeline — the whole loop at load, on Redis: accept (batch API) → send (live APNs
 * adapter into the APNs mock) → the simulated device acks over HTTP → delivered, scored. Two gateway
 * instances share the work (acks and deadlines tracked in Redis). Prints one JSON line with
 * delivered_per_s, p50/p99 accept-to-ack latency, lost and duplicates (counted at the devices).
 *
 * And, in the same run, the floor: what the harness and the wire alone allow on this machine. The
 * same number of pushes sent straight from apns2 (another process, the adapter's pool shape) into the
 * same in-process APNs mock, each acked by the same simulated fleet to a bare fastify route that stores
 * nothing (`floor_per_s`, from the first send to the last ack). No gateway can beat it here: whatever
 * the gateway does per notification comes on top of that CPU, on the same two cores.
 *
 * Settings (env): BENCH_NOTIFICATIONS (20000), BENCH_DEVICES (2000), BENCH_INSTANCES 1 or 2 (2),
 * BENCH_SKIP_FLOOR.
 */
import { spawn } from 'node:child_process';
import { ApnsMock } from '../test/mocks/apns-mock.js';
import { APNS_TEST_KEY } from '../test/mocks/fixtures.js';
import { runCrashDrill } from '../test/support/crash-drill.js';
import { DeviceFleet } from '../test/support/device-fleet.js';
import { benchRedis, buildGateway, startNodeProcess } from './support/processes.js';

const notifications = Number(process.env.BENCH_NOTIFICATIONS ?? 20_000);
const devices = Number(process.env.BENCH_DEVICES ?? 2_000);
const instances = process.env.BENCH_INSTANCES === '1' ? 1 : 2;
/** Sends in flight on the floor's sender: the drill's gateways run with pipeline concurrency 512. */
const FLOOR_CONCURRENCY = 512;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Raw apns2 into the mock, every push acked by the fleet to a bare route: pushes acked per second. */
async function runFloor(count: number): Promise<{ perS: number; acked: number; senderCpuUsPerPush: number }> {
  const mock = await ApnsMock.start({ topic: APNS_TEST_KEY.topic });
  const bare = await startNodeProcess('bench/support/bare-server.mjs', {});
  const fleet = new DeviceFleet(mock, 'floor', bare.base);
  try {
    for (let i = 0; i < devices; i++) fleet.add({ id: `ios-${i}`, token: i.toString(16).padStart(64, '0'), key: 'floor-device-key' });
    fleet.start();
    let started = 0;
    let report = '';
    const sender = spawn(process.execPath, ['bench/support/raw-apns-sender.mjs'], {
      env: { ...process.env, MOCK_URL: mock.url, COUNT: String(count), DEVICES: String(devices), CONCURRENCY: String(FLOOR_CONCURRENCY) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    sender.stdout.on('data', (chunk: Buffer) => {
      if (started === 0) started = Date.now();
      report += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => sender.once('exit', resolve));
    if (code !== 0) throw new Error(`raw sender exited with ${code}`);
    const until = Date.now() + 120_000;
    while (fleet.ackedAt.size < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const last = Math.max(0, ...fleet.ackedAt.values());
    const line = report.split('\n').find((l) => l.startsWith('{'));
    const { cpu_us_per_push: senderCpuUsPerPush } = JSON.parse(line ?? '{}') as { cpu_us_per_push?: number };
    return { perS: fleet.ackedAt.size / ((last - started) / 1000), acked: fleet.ackedAt.size, senderCpuUsPerPush: senderCpuUsPerPush ?? 0 };
  } finally {
    fleet.stop();
    await bare.stop();
    await mock.stop();
  }
}

// The gateways run as `npm start` runs them: the build, not the TypeScript loader.
const { entry, nodeArgs } = buildGateway();
const redis = await benchRedis();
try {
  const result = await runCrashDrill({
    entry,
    nodeArgs,
    redisUrl: redis.url,
    keyPrefix: `pipeline-${Date.now()}`,
    notifications,
    devices,
    takeover: instances === 2 ? 'peer' : 'restart',
    kill: false,
    timeoutMs: 240_000,
  });
  const floor = process.env.BENCH_SKIP_FLOOR ? undefined : await runFloor(notifications);
  const latencies = [...result.ackLatenciesMs].sort((a, b) => a - b);
  const deliveredPerS = result.delivered / (result.ackSpanMs / 1000);
  process.stdout.write(`${JSON.stringify({
    bench: 'pipeline',
    store: 'redis',
    instances,
    accepted: result.accepted,
    delivered: result.delivered,
    delivered_per_s: Math.round(deliveredPerS),
    p50_ack_ms: percentile(latencies, 50),
    p99_ack_ms: percentile(latencies, 99),
    lost: result.lost,
    duplicates: result.duplicates,
    failed: result.failed,
    expired: result.expired,
    floor_per_s: floor ? Math.round(floor.perS) : null,
    delivered_vs_floor: floor ? Number((deliveredPerS / floor.perS).toFixed(3)) : null,
    floor_acked: floor?.acked ?? null,
    floor_sender_cpu_us_per_push: floor?.senderCpuUsPerPush ?? null,
  })}\n`);
} finally {
  await redis.stop();
}
