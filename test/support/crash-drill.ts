/**
 * The kill -9 drill: accept many notifications, kill the gateway with SIGKILL mid-flight, let another
 * instance (restarted, or a peer already running) finish the work, and check that every accepted
 * notification ends delivered, failed or expired. Devices are a simulated fleet behind the APNs mock
 * that ack what they receive; duplicates are counted at the devices. Used by a test and bench:crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApnsMock } from '../mocks/apns-mock.js';
import { APNS_TEST_KEY, fixturePath } from '../mocks/fixtures.js';
import { DeviceFleet, type FleetDevice } from './device-fleet.js';
import { freePort } from './redis-server.js';

export interface DrillOptions {
  redisUrl: string;
  keyPrefix: string;
  notifications: number;
  devices: number;
  /** 'restart': a new instance starts after the kill; 'peer': a second instance runs all along. */
  takeover: 'restart' | 'peer';
  /** Kill once the devices have received this share of the accepted notifications (default 0.5). */
  killAt?: number;
  /** false: no kill at all (with takeover 'peer', two instances simply share the work). */
  kill?: boolean;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** The gateway's entry point: TypeScript under tsx (default, tests) or the build (benchmarks: `dist/src/main.js`). */
  entry?: string;
  /** Node flags for the gateways (benchmarks: those of `npm start`). */
  nodeArgs?: string[];
}

export interface DrillResult {
  accepted: number;
  terminal: number;
  lost: number;
  delivered: number;
  failed: number;
  expired: number;
  /** Copies a device received beyond the first of a notification. */
  duplicates: number;
  /** Notifications the fleet had received when the gateway was killed. */
  receivedBeforeKill: number;
  seconds: number;
  /** From the first accept to the last device ack, and each notification's accept-to-ack time. */
  ackSpanMs: number;
  ackLatenciesMs: number[];
}

const APP = 'drill';
const KEY = 'drill-key-0123456789abcdef';

interface Instance {
  child: ChildProcess;
  base: string;
  output: () => string;
}

async function startInstance(configPath: string, redisUrl: string, entry = 'src/main.ts', nodeArgs: string[] = []): Promise<Instance> {
  const port = await freePort();
  // DRILL_NODE_ARGS lets a profiling run add flags such as --cpu-prof to the gateways.
  const extra = process.env.DRILL_NODE_ARGS ? process.env.DRILL_NODE_ARGS.split(' ') : [];
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...extra, ...nodeArgs, ...loader, entry], {
    env: { ...process.env, PUSHMUX_CONFIG: configPath, REDIS_URL: redisUrl, PORT: String(port), HOST: '127.0.0.1', PUSHMUX_LOG_LEVEL: process.env.DRILL_LOG_LEVEL ?? "error", PUSHMUX_DEMO_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!alive(child)) throw new Error(`gateway exited early:\n${out}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`gateway did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base, output: () => out };
}

/** A child killed by a signal has exitCode null and signalCode set. */
function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function kill9(instance: Instance): Promise<void> {
  if (!alive(instance.child)) return;
  const exited = new Promise((r) => instance.child.once('exit', r));
  instance.child.kill('SIGKILL');
  await exited;
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++] as T);
  }));
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json() };
}

export async function runCrashDrill(options: DrillOptions): Promise<DrillResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const mock = await ApnsMock.start({ topic: APNS_TEST_KEY.topic });
  const configPath = join(tmpdir(), `pushmux-drill-${process.pid}-${Date.now()}.yaml`);
  // reclaimIdleMs is 10 s here (60 s by default): long enough for the devices' acks of copies they got
  // before the kill to reach the survivor before it re-sends the steps the dead instance left open.
  writeFileSync(configPath, `
server: { logLevel: error }
redis: { keyPrefix: ${options.keyPrefix} }
pipeline: { reclaimIdleMs: 10000, deadlineLeaseMs: 2000, deadlineTickMs: 100, concurrency: 512 }
apps:
  ${APP}:
    apiKeys: [{ key: ${KEY}, scopes: [send, devices] }]
    longConnection: { enabled: false }
    defaults: { ackDeadlineMs: 4000, ttlSeconds: 600 }
    providers:
      apns:
        teamId: ${APNS_TEST_KEY.teamId}
        keyId: ${APNS_TEST_KEY.keyId}
        topic: ${APNS_TEST_KEY.topic}
        keyFile: ${fixturePath('apns-test-key.p8')}
        endpoint: ${mock.url}
        sandboxEndpoint: ${mock.url}
        caFile: ${fixturePath('mock-tls-cert.pem')}
`);
  const instances: Instance[] = [];
  const fleet = new DeviceFleet(mock, APP, '');
  try {
    const first = await startInstance(configPath, options.redisUrl, options.entry, options.nodeArgs);
    instances.push(first);
    const peer = options.takeover === 'peer' ? await startInstance(configPath, options.redisUrl, options.entry, options.nodeArgs) : undefined;
    if (peer) instances.push(peer);
    fleet.baseUrl = peer?.base ?? first.base;
    fleet.start();

    const devices: FleetDevice[] = Array.from({ length: options.devices }, (_, i) => ({ id: `ios-${i}`, token: i.toString(16).padStart(64, '0'), key: '' }));
    await pool(devices, 32, async (device) => {
      const res = await api(first.base, 'PUT', `/v1/apps/${APP}/devices/${device.id}`, { platform: 'ios', brand: 'apple', model: 'iphone15,2', tokens: { apns: device.token } });
      device.key = res.json.deviceKey as string;
      fleet.add(device);
    });
    log(`registered ${devices.length} devices`);

    const ids: string[] = [];
    const acceptedAt = new Map<string, number>();
    const firstAccept = Date.now();
    for (let offset = 0; offset < options.notifications; offset += 500) {
      const count = Math.min(500, options.notifications - offset);
      const notifications = Array.from({ length: count }, (_, i) => ({ to: { deviceIds: [`ios-${(offset + i) % options.devices}`] }, title: 'Drill', body: `#${offset + i}` }));
      // Accepted at the instance that will be killed, so its queue holds work in flight.
      const res = await api(first.base, 'POST', `/v1/apps/${APP}/notifications/batch`, { notifications });
      if (res.status !== 202) throw new Error(`batch answered ${res.status}: ${JSON.stringify(res.json)}`);
      const now = Date.now();
      for (const result of res.json.results) {
        if (!result.id) continue;
        ids.push(result.id);
        acceptedAt.set(result.id, now);
      }
    }
    log(`accepted ${ids.length}`);
    // Mid-flight: once the devices have received the given share, the gateway dies without warning.
    const killWhen = Math.floor(ids.length * (options.killAt ?? 0.5));
    const waitUntil = Date.now() + 60_000;
    while (fleet.received < killWhen && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 5));
    log(`devices received ${fleet.received}, acked ${fleet.acked}`);
    const receivedBeforeKill = fleet.received;
    if (options.kill !== false) {
      await kill9(first);
      log(`killed -9 with ${receivedBeforeKill} of ${ids.length} received`);
    }
    log(peer ? 'peer takes over' : 'restarting');
    const survivor = peer ?? (options.kill === false ? first : await startInstance(configPath, options.redisUrl, options.entry, options.nodeArgs));
    log(`survivor up at ${survivor.base}`);
    if (!instances.includes(survivor)) instances.push(survivor);
    fleet.baseUrl = survivor.base;

    if (options.kill === false) {
      // Nothing was killed: wait for the acks first, so status polling does not load the gateway meanwhile.
      const until = Date.now() + (options.timeoutMs ?? 120_000);
      while (fleet.ackedAt.size < ids.length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      log(`all acked: received ${fleet.received}, acked ${fleet.acked}`);
    }
    // A delivery failed while every gateway was down may still turn delivered: its device got the copy
    // and retries the ack until a gateway answers. So `failed` is final only once the fleet has no
    // ack left to send; until then it is looked at again.
    const final = new Map<string, 'delivered' | 'failed' | 'expired'>();
    let pending = [...ids];
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    while (pending.length > 0 && Date.now() < deadline) {
      const settled = fleet.settled;
      const still: string[] = [];
      await pool(pending, 32, async (id) => {
        const res = await api(survivor.base, 'GET', `/v1/apps/${APP}/notifications/${id}?limit=1`);
        const status = res.json.status as string;
        if (status === 'delivered' || status === 'expired' || (status === 'failed' && settled)) final.set(id, status);
        else still.push(id);
      });
      pending = still;
      log(`${pending.length} pending, fleet received ${fleet.received}, acked ${fleet.acked}`);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 500));
    }
    const counts = { delivered: 0, failed: 0, expired: 0 };
    for (const status of final.values()) counts[status] += 1;
    log(`${ids.length - pending.length} of ${ids.length} terminal`);
    for (const key of fleet.duplicateKeys().slice(0, 2)) {
      const [, notificationId] = key.split('|');
      log(`duplicate ${key}: ${JSON.stringify((await api(survivor.base, 'GET', `/v1/apps/${APP}/notifications/${notificationId}`)).json.devices[0].events)}`);
    }
    if (pending.length > 0) log(`survivor output:\n${survivor.output().slice(-3000)}`);
    return {
      accepted: ids.length,
      terminal: ids.length - pending.length,
      lost: pending.length,
      ...counts,
      duplicates: fleet.duplicates,
      receivedBeforeKill,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      ackSpanMs: Math.max(0, ...fleet.ackedAt.values()) - firstAccept,
      ackLatenciesMs: ids.flatMap((id) => {
        const acked = fleet.ackedAt.get(id);
        const accepted = acceptedAt.get(id);
        return acked !== undefined && accepted !== undefined ? [acked - accepted] : [];
      }),
    };
  } finally {
    fleet.stop();
    for (const instance of instances) {
      if (process.env.DRILL_NODE_ARGS && alive(instance.child)) {
        // A profiled gateway writes its profile on a clean exit.
        const exited = new Promise((r) => instance.child.once('exit', r));
        instance.child.kill('SIGTERM');
        await exited;
      } else await kill9(instance);
    }
    await mock.stop();
  }
}
