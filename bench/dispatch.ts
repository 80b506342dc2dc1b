/**
 * npm run bench:dispatch — delivery throughput of the whole gateway into the APNs mock, against what
 * the wire allows: the same number of notifications sent straight from apns2 to the same mock, in the
 * same run. Prints one JSON line: gateway_per_s, raw_per_s, ratio.
 *
 * - The APNs mock (HTTP/2 + TLS, JWT checked) runs in a child process, so it does not share a core with
 *   the side being measured.
 * - raw: apns2 with the same connection pool the adapter installs (apns2's own pool cannot reach a
 *   port other than 443), BENCH_CONCURRENCY sends in flight.
 * - gateway: the embedded gateway (memory stores, from the build as `npm start` runs it) with its own provider wiring: the live APNs adapter
 *   behind the resilience layer, metrics hooks included. Notifications go in through the HTTP batch endpoint; the clock runs from the first request to
 *   the moment the mock has answered the last push.
 *
 * It also prints what the wire itself costs here: apns2's CPU and the mock's per push, and the
 * ceiling those allow on this machine's cores (`wire_ceiling_per_s`).
 *
 * Settings (env): BENCH_NOTIFICATIONS pushes to deliver (50000), BENCH_RECIPIENTS devices per
 * notification (1), BENCH_DEVICES (1000), BENCH_BATCH_SIZE notifications per batch request (1000),
 * BENCH_CONCURRENCY raw sends in flight (1000), BENCH_PIPELINE_CONCURRENCY (512), BENCH_DEADLINE_S
 * (300), BENCH_VERBOSE, BENCH_SKIP_RAW (profiling the gateway alone).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ApnsClient, Notification } from 'apns2';
import { ApnsMock } from '../test/mocks/apns-mock.js';
import { buildGateway } from './support/processes.js';
import { APNS_TEST_KEY, MOCK_TLS } from '../test/mocks/fixtures.js';

const total = Number(process.env.BENCH_NOTIFICATIONS ?? 50_000);
const deviceCount = Number(process.env.BENCH_DEVICES ?? 1_000);
const batchSize = Number(process.env.BENCH_BATCH_SIZE ?? 1_000);
/** Devices per notification: 1 is the hardest case for the gateway (all per-notification work, no fan-out). */
const recipients = Math.max(1, Number(process.env.BENCH_RECIPIENTS ?? 1));
const rawConcurrency = Number(process.env.BENCH_CONCURRENCY ?? 1_000);
const pipelineConcurrency = Number(process.env.BENCH_PIPELINE_CONCURRENCY ?? 512);
const apiKey = 'bench-key-0123456789abcdef';
/** Pool shape shared by both sides, so the ratio measures the gateway, not pool tuning. */
const POOL = { connections: 2, maxConcurrentStreams: 500, timeoutMs: 10_000 };

type MockMessage = { url: string } | { count: number; cpuUs: number };

/** The mock as seen from the parent: its URL and its request counter. */
class MockProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<MockProcess> {
    const child = fork(fileURLToPath(import.meta.url), ['--apns-mock'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`APNs mock exited early (${code})`)));
      child.once('message', (message: MockMessage) => ('url' in message ? resolve(message.url) : reject(new Error('unexpected message'))));
    });
    child.removeAllListeners('exit');
    return new MockProcess(url, child);
  }

  count(): Promise<number> {
    return this.stats().then((stats) => stats.count);
  }

  /** Requests answered so far and the mock process's CPU time (µs). */
  stats(): Promise<{ count: number; cpuUs: number }> {
    return new Promise((resolve) => {
      const onMessage = (message: MockMessage): void => {
        if ('count' in message) {
          this.child.off('message', onMessage);
          resolve(message);
        }
      };
      this.child.on('message', onMessage);
      this.child.send('count');
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send('stop');
    await exited;
  }
}

let built = false;

/**
 * A module of the build (tsc's output), as `npm start` runs it: the TypeScript loader wraps every
 * function it defines, a cost both sides would pay on every push here. Built once per run.
 */
async function fromBuild(path: string): Promise<unknown> {
  if (!built) {
    buildGateway();
    built = true;
  }
  return import(new URL(`../dist/${path}`, import.meta.url).href);
}

function token(i: number): string {
  return (i % deviceCount).toString(16).padStart(64, '0');
}

/** apns2 straight to the mock; answers sends per second and failures. */
async function runRaw(mock: MockProcess, count: number): Promise<{ perS: number; failures: number; cpuUsPerPush: number; mockCpuUsPerPush: number }> {
  const mockUrl = mock.url;
  const { installApnsPool } = (await fromBuild('providers/apns/apns-pool.js')) as typeof import('../providers/apns/apns-pool.js');
  const client = new ApnsClient({ team: APNS_TEST_KEY.teamId, keyId: APNS_TEST_KEY.keyId, signingKey: APNS_TEST_KEY.pem, defaultTopic: APNS_TEST_KEY.topic });
  installApnsPool(client, { endpoint: new URL(mockUrl), ca: MOCK_TLS.ca, ...POOL });
  let next = 0;
  let failures = 0;
  const mockBefore = await mock.stats();
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: rawConcurrency }, async () => {
      while (next < count) {
        const i = next++;
        const notification = new Notification(token(i), {
          alert: { title: 'Order shipped', body: 'Your parcel is on its way' },
          data: { orderId: String(i), notificationId: `n${i}` },
          expiration: Math.floor(Date.now() / 1000) + 3600,
        });
        await client.send(notification).catch(() => {
          failures += 1;
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const mockAfter = await mock.stats();
  await client.close();
  return { perS: count / seconds, failures, cpuUsPerPush: (used.user + used.system) / count, mockCpuUsPerPush: (mockAfter.cpuUs - mockBefore.cpuUs) / count };
}

/** The APNs attempt counters from the gateway's /metrics, by outcome. */
async function attemptCounts(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('pushmux_provider_attempts_total{') || !line.includes('provider="apns"')) continue;
    const outcome = /outcome="([^"]+)"/.exec(line)?.[1] ?? '?';
    counts[outcome] = (counts[outcome] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return counts;
}

async function http(base: string, method: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** The gateway end to end; answers notifications delivered to the mock per second. */
async function runGateway(
  mock: MockProcess,
  count: number,
): Promise<{ perS: number; acceptMs: number; cpuUsPerPush: number; attempts: Record<string, number> }> {
  // Loaded here, not at the top: the mock child process needs none of the gateway.
  const { buildConfig } = (await fromBuild('src/config/index.js')) as typeof import('../src/config/index.js');
  const { createGateway } = (await fromBuild('src/gateway.js')) as typeof import('../src/gateway.js');
  const { config } = buildConfig(
    {
      server: { port: 0, host: '127.0.0.1', logLevel: 'warn' },
      // Jobs in hand are sized as concurrency*2/devicesPerJob: with the default (500) and single-device
      // notifications the worker would hold two deliveries at a time.
      pipeline: { concurrency: pipelineConcurrency, devicesPerJob: Math.min(recipients, 500) },
      apps: {
        bench: {
          apiKeys: [{ key: apiKey, scopes: ['send', 'devices'] }],
          providers: {
            apns: {
              teamId: APNS_TEST_KEY.teamId,
              keyId: APNS_TEST_KEY.keyId,
              topic: APNS_TEST_KEY.topic,
              key: APNS_TEST_KEY.pem,
              endpoint: mock.url,
              sandboxEndpoint: mock.url,
              ca: MOCK_TLS.ca,
              ...POOL,
            },
          },
        },
      },
    },
    { vars: {} },
  );
  // The gateway's own wiring: createLiveProvider with the metrics hooks, as in production.
  const gateway = await createGateway({ config, logger: false });
  try {
    const base = await gateway.listen();
    let nextDevice = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (nextDevice < deviceCount) {
          const i = nextDevice++;
          await http(base, 'PUT', `/v1/apps/bench/devices/d${i}`, { platform: 'ios', brand: 'apple', model: `iphone-${i % 7}`, tokens: { apns: token(i) } });
        }
      }),
    );
    const before = await mock.count();
    const started = performance.now();
    const cpu = process.cpuUsage();
    let nextBatch = 0;
    const notificationCount = Math.ceil(count / recipients);
    const batches = Math.ceil(notificationCount / batchSize);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (nextBatch < batches) {
          const b = nextBatch++;
          const size = Math.min(batchSize, notificationCount - b * batchSize);
          const notifications = Array.from({ length: size }, (_, k) => {
            const i = b * batchSize + k;
            const deviceIds = Array.from({ length: Math.min(recipients, count - i * recipients) }, (_, r) => `d${(i * recipients + r) % deviceCount}`);
            return { to: { deviceIds }, title: 'Order shipped', body: 'Your parcel is on its way', data: { orderId: String(i) } };
          });
          await http(base, 'POST', '/v1/apps/bench/notifications/batch', { notifications });
        }
      }),
    );
    const acceptMs = performance.now() - started;
    // Delivered means answered by the mock; poll its counter.
    const deadline = Date.now() + Number(process.env.BENCH_DEADLINE_S ?? 300) * 1000;
    let lastReport = Date.now();
    for (;;) {
      const delivered = (await mock.count()) - before;
      if (delivered >= count) break;
      if (Date.now() > deadline) throw new Error(`gateway delivered ${delivered} of ${count} in the deadline`);
      if (process.env.BENCH_VERBOSE && Date.now() - lastReport > 1_000) {
        lastReport = Date.now();
        const apns = gateway.registry.forApp('bench').get('apns');
        const inFlight = apns && 'inFlight' in apns ? (apns as { inFlight: number }).inFlight : '?';
        process.stderr.write(`gateway: ${delivered} of ${count} delivered, ${inFlight} APNs calls in flight\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const attempts = await attemptCounts(base);
    return { perS: count / seconds, acceptMs, cpuUsPerPush: (used.user + used.system) / count, attempts };
  } finally {
    await gateway.close();
  }
}

async function main(): Promise<void> {
  const mock = await MockProcess.start();
  let output: Record<string, unknown>;
  try {
    // Warm-up: JIT, TLS sessions and the mock's JWT cache.
    await runRaw(mock, Math.min(5_000, total));
    // BENCH_SKIP_RAW=1 leaves only the gateway in the process, for profiling it (--cpu-prof).
    const raw = process.env.BENCH_SKIP_RAW ? { perS: Number.NaN, failures: 0, cpuUsPerPush: Number.NaN, mockCpuUsPerPush: Number.NaN } : await runRaw(mock, total);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`raw: ${Math.round(raw.perS)}/s\n`);
    const gateway = await runGateway(mock, total);
    output = {
      bench: 'dispatch',
      pushes: total,
      notifications: Math.ceil(total / recipients),
      recipients_per_notification: recipients,
      devices: deviceCount,
      gateway_per_s: Math.round(gateway.perS),
      raw_per_s: Math.round(raw.perS),
      ratio: Number((gateway.perS / raw.perS).toFixed(3)),
      gateway_accept_ms: Math.round(gateway.acceptMs),
      // CPU of this process per push (the mock runs elsewhere): less noisy than rates on a shared host.
      gateway_cpu_us_per_push: Math.round(gateway.cpuUsPerPush),
      raw_cpu_us_per_push: Math.round(raw.cpuUsPerPush),
      // The wire's own cost: apns2's client side plus the mock's server side, per push. No sender
      // through apns2 into this mock can exceed cores / that, whatever it does besides.
      mock_cpu_us_per_push: Math.round(raw.mockCpuUsPerPush),
      wire_ceiling_per_s: Math.round((availableParallelism() * 1e6) / (raw.cpuUsPerPush + raw.mockCpuUsPerPush)),
      gateway_attempts: gateway.attempts,
      raw_failures: raw.failures,
      pool: POOL,
    };
  } finally {
    await mock.stop();
  }
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

// Entry point last: the classes and functions above must be initialised first.
// Child process mode: the APNs mock.
if (process.argv.includes('--apns-mock')) {
  const mock = await ApnsMock.start({ topic: APNS_TEST_KEY.topic, record: false });
  process.on('message', (message: unknown) => {
    if (message === 'count') {
      const cpu = process.cpuUsage();
      process.send?.({ count: mock.requestCount, cpuUs: cpu.user + cpu.system } satisfies MockMessage);
    }
    if (message === 'stop') void mock.stop().then(() => process.exit(0));
  });
  process.send?.({ url: mock.url } satisfies MockMessage);
} else {
  await main();
}
