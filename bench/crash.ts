/**
 * npm run bench:crash — the kill -9 drill at scale: accept BENCH_NOTIFICATIONS (20,000) notifications on
 * Redis, SIGKILL the gateway mid-flight, restart it, and check that every accepted notification ends
 * delivered, failed or expired. Devices are a simulated fleet behind the APNs mock that ack what they
 * receive; duplicates are counted at the devices. Prints one JSON line.
 */
import { runCrashDrill } from '../test/support/crash-drill.js';
import { benchRedis, buildGateway } from './support/processes.js';

const notifications = Number(process.env.BENCH_NOTIFICATIONS ?? 20_000);
const devices = Number(process.env.BENCH_DEVICES ?? 2_000);
const takeover = process.env.BENCH_TAKEOVER === 'peer' ? 'peer' : 'restart';
const verbose = process.env.BENCH_VERBOSE === '1';

// The gateways run as `npm start` runs them: the build, not the TypeScript loader.
const { entry, nodeArgs } = buildGateway();
const redis = await benchRedis();
try {
  const result = await runCrashDrill({
    entry,
    nodeArgs,
    redisUrl: redis.url,
    keyPrefix: `crash-${Date.now()}`,
    notifications,
    devices,
    takeover,
    killAt: Number(process.env.BENCH_KILL_AT ?? 0.5),
    timeoutMs: 240_000,
    log: verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  process.stdout.write(`${JSON.stringify({
    bench: 'crash',
    takeover,
    accepted: result.accepted,
    terminal: result.terminal,
    lost: result.lost,
    duplicates: result.duplicates,
    duplicate_ratio: Number((result.duplicates / Math.max(1, result.accepted)).toFixed(5)),
    delivered: result.delivered,
    failed: result.failed,
    expired: result.expired,
    received_before_kill: result.receivedBeforeKill,
    seconds: result.seconds,
  })}\n`);
} finally {
  await redis.stop();
}
