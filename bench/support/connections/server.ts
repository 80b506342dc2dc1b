/**
 * The server side of bench/connections.ts, run as its own process (with --expose-gc) so its memory is
 * measured alone: an embedded gateway (memory stores) with the long connection, BENCH_DEVICES devices
 * registered straight into the store, and IPC commands to measure memory and to run the fan-out.
 *
 * The fan-out goes through the whole pipeline: one notification to every device (by user id), the
 * worker plans each delivery (the long connection is the only step: the devices have no provider
 * tokens), sends on the socket, and the devices' ack frames end the deliveries. Latency is from just
 * before the notification is accepted to each ack being recorded.
 *
 * The direct fan-out isolates the channel: the long connection's `deliver` for every device at once
 * (inbox write and socket send, no pipeline), timed to each ack frame reaching the ack service.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { buildConfig } from '../../../src/config/index.js';
import { connectFactory } from '../../../src/connect/index.js';
import { createGateway } from '../../../src/gateway.js';
import type { AckService, OutcomeSink } from '../../../src/pipeline/index.js';
import type { LongConnectionService } from '../../../src/connect/index.js';
import { benchDeviceId, benchDeviceKey, benchUserId, type FromServer, type MemorySample, type ToServer } from './protocol.js';

const devices = Number(process.env.BENCH_DEVICES ?? 50_000);
const SEND_KEY = 'bench-send-key-0123456789abcdef';

const send = (message: FromServer) => process.send?.(message);

let t0 = 0;
const ackLatencies: number[] = [];
let onAck: (() => void) | undefined;
const outcomes: OutcomeSink = {
  record(_app, _cls, _channel, outcome) {
    if (!outcome.delivered) return;
    ackLatencies.push(performance.now() - t0);
    onAck?.();
  },
};

const { config } = buildConfig({
  server: { port: 0, host: '127.0.0.1', logLevel: 'silent' },
  pipeline: { concurrency: Number(process.env.BENCH_CONCURRENCY ?? 1_000), deadlineTickMs: 250 },
  apps: {
    bench: {
      apiKeys: [{ key: SEND_KEY, scopes: ['send', 'devices'] }],
      providers: { fcm: { sandbox: {} } },
      defaults: { ackDeadlineMs: 120_000 },
    },
  },
}, { vars: {} });

let service: LongConnectionService | undefined;
const DIRECT_ID = 'direct-fanout';
let directT0 = 0;
const directLatencies: number[] = [];
let onDirectAck: (() => void) | undefined;

const gw = await createGateway({
  config,
  logger: false,
  defaultMetrics: false,
  outcomes,
  sandbox: () => ({}),
  // Heartbeats at their production default: idle sockets cost what they would in production.
  connect: (ctx) => {
    // Sees every ack frame before the ack service does (only the direct fan-out's are timed here).
    const acks = Object.create(ctx.acks) as AckService;
    acks.ack = async (input) => {
      if (input.notificationId === DIRECT_ID) {
        directLatencies.push(performance.now() - directT0);
        onDirectAck?.();
      }
      return ctx.acks.ack(input);
    };
    return connectFactory({ maxBufferedBytes: 262_144 }, (s) => (service = s))({ ...ctx, acks });
  },
});
const now = Date.now();
for (let i = 0; i < devices; i++) {
  const id = benchDeviceId(i);
  await gw.stores.devices.put('bench', { id, platform: 'web', userId: benchUserId(i), tokens: {}, key: benchDeviceKey(id), createdAt: now, updatedAt: now });
}
const base = await gw.listen();

function sample(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers, connections: 0 };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * BENCH_PROFILE_DIR: a CPU profile of each fan-out alone (not the connects before it) is written there,
 * `fanout.cpuprofile` and `direct.cpuprofile`.
 */
const profileDir = process.env.BENCH_PROFILE_DIR;
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!profileDir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

process.on('message', (raw: ToServer) => {
  void (async () => {
    if (raw.type === 'baseline' || raw.type === 'measure') {
      const open = Number((/pushmux_connections_open\{app="bench"\} (\d+)/.exec(await gw.metrics.registry.metrics()))?.[1] ?? 0);
      send({ type: 'memory', sample: { ...sample(), connections: open } });
      return;
    }
    if (raw.type === 'direct') return profiled('direct', async () => {
      const done = new Promise<void>((resolve) => {
        onDirectAck = () => {
          if (directLatencies.length >= devices) resolve();
        };
        setTimeout(resolve, raw.timeoutMs).unref();
      });
      const message = { notificationId: DIRECT_ID, appId: 'bench', title: 'direct', body: 'to everyone', data: { k: 'v' }, priority: 'normal' as const, ttlSeconds: 300, expiresAt: Date.now() + 300_000 };
      directT0 = performance.now();
      const deliveries: Promise<unknown>[] = [];
      for (let i = 0; i < devices; i++) deliveries.push(service!.deliver('bench', benchDeviceId(i), message));
      await Promise.all(deliveries);
      await done;
      const sorted = [...directLatencies].sort((a, b) => a - b);
      send({ type: 'direct', acked: sorted.length, devices, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN });
    });
    if (raw.type !== 'fanout') return;
    return profiled('fanout', async () => {
      const done = new Promise<void>((resolve) => {
        onAck = () => {
          if (ackLatencies.length >= devices) resolve();
        };
        setTimeout(resolve, raw.timeoutMs).unref();
      });
      t0 = performance.now();
      const users = Array.from({ length: Math.min(devices, 1_000) }, (_, i) => benchUserId(i));
      const res = await gw.server.inject({ method: 'POST', url: '/v1/apps/bench/notifications', headers: { authorization: `Bearer ${SEND_KEY}` }, payload: { to: { userIds: users }, title: 'fan-out', body: 'to everyone', data: { k: 'v' } } });
      const acceptMs = performance.now() - t0;
      if (res.statusCode !== 202) throw new Error(`accept: ${res.statusCode} ${res.body}`);
      await done;
      const sorted = [...ackLatencies].sort((a, b) => a - b);
      send({ type: 'fanout', acked: sorted.length, devices, acceptMs, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN });
    });
  })().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
});

process.on('SIGTERM', () => {
  void gw.close().finally(() => process.exit(0));
});

send({ type: 'ready', port: Number(new URL(base).port) });
