/**
 * `npm run demo`: the gateway on its embedded default (memory stores, sandbox providers) in this process,
 * a simulated fleet of a few hundred phones of many brands and models, steady traffic, and an incident
 * in the middle: for a while the Xiaomi push channel accepts messages but delivers none of them. The
 * scores (and the dashboard at /dashboard) show the gateway learning each maker's channel, moving Xiaomi
 * phones to other channels during the incident, and back after it.
 *
 * The simulated devices behave like the real app: the sandbox "delivers" a message to a device, and the
 * device acks it over HTTP with its signature. A fifth of the phones also hold pushmux's own WebSocket
 * through the client SDK (clients/js), which receives and acks the long-connection step. The incident sits between the two: messages the Xiaomi
 * channel accepted while it is down never reach the phone, so no ack comes and the deadline moves the
 * plan on. Scoring is not touched; it learns from what it sees.
 *
 * SMS, the plan's last step, shows too: some phones register a number, a small share of the fleet has
 * the app's notifications switched off (no push channel and no WebSocket ever reaches it), and some
 * notifications are urgent ones that ask for a text. An urgent notification to such a phone walks
 * every push step, the long connection, then goes out as a (simulated) SMS, which the phone "receives".
 */
import { createHmac, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PushmuxClient } from '../../clients/js/index.js';
import { buildConfig, type Environment } from '../config/index.js';
import { createConnect } from '../connect/index.js';
import { createGateway, type Gateway } from '../gateway.js';
import { LONG_CONNECTION_CHANNEL, SMS_CHANNEL } from '../pipeline/index.js';
import type { SandboxDeps, SimulatedDelivery } from '../../providers/sandbox/index.js';
import type { ScoreRow } from '../../scoring/index.js';

const APP = 'demo';

export interface DemoOptions {
  /** How long traffic runs (DEMO_SECONDS, default 120). */
  seconds?: number;
  /** Notifications per second (DEMO_RATE, default 20). */
  ratePerSecond?: number;
  /** Simulated devices (DEMO_DEVICES, default 300). */
  devices?: number;
  /** Ack deadline of each step, so missed deliveries show within seconds (default 3000 ms). */
  ackDeadlineMs?: number;
  /** Share of the devices that also hold pushmux's own WebSocket through clients/js (default 0.2). */
  connectedShare?: number;
  /**
   * Share of the devices that no push channel reaches (the app's notifications are switched off, so
   * they neither ack pushes nor hold a WebSocket) and that registered a phone number (default 0.05).
   */
  unreachableShare?: number;
  /** Share of the other devices that registered a phone number (default 0.3). */
  phoneShare?: number;
  /** Share of notifications that are urgent and ask for SMS as the last resort (default 0.2). */
  smsShare?: number;
  /** Progress line period (default 5000 ms). */
  progressEveryMs?: number;
  /** The incident, as fractions of the run (default 0.35 → 0.65). */
  incident?: { from: number; to: number };
  /** PORT, HOST, PUSHMUX_DEMO_KEY as for the gateway. */
  env?: Environment;
  /** Stops the run early (Ctrl-C). */
  signal?: AbortSignal;
  /** Where the lines go (default stdout). */
  print?: (line: string) => void;
}

export interface DemoTotals {
  sent: number;
  delivered: number;
  fallbacks: number;
  /** Texts the SMS channel accepted (the plan's last step). */
  sms: number;
  failed: number;
  /** Device WebSockets open at the time. */
  connections: number;
}

export interface DemoResult {
  url: string;
  totals: DemoTotals;
  /** The scoring table for the demo app at the end of the run. */
  scores: ScoreRow[];
}

interface FleetModel { brand: string; models: string[]; platform: 'android' | 'ios'; tokens: string[]; weight: number }

/** The fleet: brand, models, which push tokens such phones have, and how common they are. */
export const FLEET: readonly FleetModel[] = [
  { brand: 'Xiaomi', models: ['Redmi Note 12', 'Xiaomi 13', 'POCO F5', 'Redmi 12C'], platform: 'android', tokens: ['xiaomi', 'fcm', 'jpush'], weight: 16 },
  { brand: 'Huawei', models: ['P60 Pro', 'Mate 50', 'nova 11'], platform: 'android', tokens: ['hms', 'fcm', 'jpush'], weight: 12 },
  { brand: 'Honor', models: ['Magic5 Pro', 'X40', 'Honor 90'], platform: 'android', tokens: ['honor', 'fcm', 'jpush'], weight: 9 },
  { brand: 'OPPO', models: ['Reno10', 'Find X6', 'A78'], platform: 'android', tokens: ['oppo', 'fcm', 'jpush'], weight: 11 },
  { brand: 'vivo', models: ['X90', 'Y36', 'iQOO 11'], platform: 'android', tokens: ['vivo', 'fcm', 'jpush'], weight: 11 },
  { brand: 'Samsung', models: ['Galaxy S23', 'Galaxy A54', 'Galaxy A14'], platform: 'android', tokens: ['fcm', 'jpush'], weight: 14 },
  { brand: 'Google', models: ['Pixel 7', 'Pixel 8'], platform: 'android', tokens: ['fcm'], weight: 6 },
  { brand: 'Apple', models: ['iPhone15,2', 'iPhone14,5', 'iPhone16,1'], platform: 'ios', tokens: ['apns'], weight: 21 },
];

/** Each phone maker's own channel, which the scores should come to prefer for its phones. */
export const MAKER_CHANNEL: Readonly<Record<string, string>> = { xiaomi: 'xiaomi', huawei: 'hms', honor: 'honor', oppo: 'oppo', vivo: 'vivo' };

interface SimDevice {
  id: string;
  key: string;
  brand: string;
  /** The app's notifications are off: pushes arrive nowhere, only a text reaches the person. */
  unreachable: boolean;
}

/**
 * The push provider with the highest estimate for each brand (brand-level rows of the table). The long
 * connection and SMS have rows too (their acks are learned), but they are the plan's fixed last steps,
 * never ranked against the providers: a text that always arrives is not the channel to prefer.
 */
export function preferredByBrand(scores: readonly ScoreRow[]): Map<string, string> {
  const best = new Map<string, ScoreRow>();
  for (const row of scores) {
    if (row.level !== 'brand' || !row.brand) continue;
    if (row.provider === SMS_CHANNEL || row.provider === LONG_CONNECTION_CHANNEL) continue;
    const current = best.get(row.brand);
    if (!current || row.estimate > current.estimate) best.set(row.brand, row);
  }
  return new Map([...best].map(([brand, row]) => [brand, row.provider]));
}

/** A share option: within [0, 1], else the default. */
function share(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 && value <= 1 ? value : fallback;
}

function pick<T>(items: readonly T[]): T {
  return items[randomInt(items.length)]!;
}

function pickWeighted(fleet: readonly FleetModel[]): FleetModel {
  const total = fleet.reduce((sum, f) => sum + f.weight, 0);
  let r = randomInt(total);
  for (const f of fleet) if ((r -= f.weight) < 0) return f;
  return fleet[0]!;
}

async function totals(gw: Gateway): Promise<DemoTotals> {
  const metrics = await gw.metrics.registry.getMetricsAsJSON();
  const sum = (name: string, where: (labels: Record<string, string | number | undefined>) => boolean = () => true): number =>
    (metrics.find((m) => m.name === name)?.values ?? [])
      .filter((v) => v.labels.app === APP && where(v.labels))
      .reduce((total, v) => total + v.value, 0);
  return {
    sent: sum('pushmux_notifications_accepted_total'),
    delivered: sum('pushmux_deliveries_total', (l) => l.state === 'delivered'),
    fallbacks: sum('pushmux_escalations_total', (l) => l.to !== 'exhausted'),
    sms: sum('pushmux_provider_attempts_total', (l) => l.provider === 'sms' && l.outcome === 'accepted'),
    failed: sum('pushmux_deliveries_total', (l) => l.state === 'failed' || l.state === 'expired'),
    connections: sum('pushmux_connections_open'),
  };
}

/** Runs the demo to its end (or the signal) and answers the final scores. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const seconds = options.seconds ?? 120;
  const rate = options.ratePerSecond ?? 20;
  const deviceCount = options.devices ?? 300;
  const ackDeadlineMs = options.ackDeadlineMs ?? 3_000;
  const progressEveryMs = options.progressEveryMs ?? 5_000;
  const incident = options.incident ?? { from: 0.35, to: 0.65 };
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const env = options.env ?? { vars: {} };

  const loaded = buildConfig({}, env, 'embedded default');
  const key = loaded.config.apps[APP]?.apiKeys[0]?.key;
  if (!key) throw new Error('the embedded default has no demo app');

  const connectedShare = share(options.connectedShare, 0.2);
  const unreachableShare = Math.min(share(options.unreachableShare, 0.05), 1 - connectedShare);
  const phoneShare = share(options.phoneShare, 0.3);
  const smsShare = share(options.smsShare, 0.2);
  const connectedCount = Math.round(connectedShare * deviceCount);
  // The unreachable phones are the last ones registered, so none of them is among the connected first ones.
  const unreachableFrom = deviceCount - Math.round(unreachableShare * deviceCount);
  const devices = new Map<string, SimDevice>();
  const clients: PushmuxClient[] = [];
  let xiaomiDown = false;
  let gw: Gateway | undefined;
  const pendingAcks = new Set<Promise<unknown>>();
  // A simulated phone that received a push acks it, signed with its device key, as the real app does.
  const onDelivered = (d: SimulatedDelivery): void => {
    const device = devices.get(d.deviceId);
    if (!device || !gw) return;
    if (device.unreachable) return; // notifications switched off: the push never shows, nothing acks
    if (xiaomiDown && d.provider === 'xiaomi' && device.brand === 'xiaomi') return; // lost in the incident
    const signature = createHmac('sha256', device.key).update(d.notificationId).digest('hex');
    const ack = gw.server.inject({
      method: 'POST', url: `/v1/apps/${APP}/acks`,
      payload: { notificationId: d.notificationId, deviceId: d.deviceId, signature, channel: d.provider },
    }).catch(() => undefined);
    pendingAcks.add(ack);
    void ack.finally(() => pendingAcks.delete(ack));
  };
  const sandbox = (): SandboxDeps => ({ onDelivered });

  gw = await createGateway({ config: loaded.config, connect: createConnect, sandbox, logger: false });
  const gateway = gw;
  try {
    const url = (await gateway.listen()).replace('://0.0.0.0', '://localhost').replace('://[::]', '://localhost');
    print(`pushmux demo: dashboard ${url}/dashboard  (API key ${key}, app ${APP})`);
    print(`  ${deviceCount} simulated devices (${connectedCount} holding a WebSocket, ${deviceCount - unreachableFrom} with notifications off that only a text reaches), ${rate} notifications/s for ${seconds} s (${Math.round(smsShare * 100)}% urgent, with SMS as the last resort); incident: the Xiaomi channel stops delivering to Xiaomi phones from ${Math.round(seconds * incident.from)} s to ${Math.round(seconds * incident.to)} s`);

    const auth = { authorization: `Bearer ${key}` };
    for (let i = 0; i < deviceCount; i++) {
      const kind = pickWeighted(FLEET);
      const unreachable = i >= unreachableFrom;
      const id = `sim-${kind.brand.toLowerCase()}-${i}${unreachable ? '-off' : ''}`;
      // Unreachable phones always have a number: SMS is the only way to them. E.164, from a fictional range.
      const phone = unreachable || Math.random() < phoneShare ? `+1555${String(i).padStart(7, '0')}` : undefined;
      const answer = await gateway.server.inject({
        method: 'PUT', url: `/v1/apps/${APP}/devices/${id}`, headers: auth,
        payload: {
          platform: kind.platform, brand: kind.brand, model: pick(kind.models), userId: `user-${i}`,
          ...(phone ? { phone } : {}),
          tokens: Object.fromEntries(kind.tokens.map((t) => [t, `${t}-token-${i}`])),
        },
      });
      if (answer.statusCode >= 300) throw new Error(`registering ${id}: ${answer.statusCode} ${answer.body}`);
      devices.set(id, { id, key: (answer.json() as { deviceKey: string }).deviceKey, brand: kind.brand.toLowerCase(), unreachable });
    }
    const ids = [...devices.keys()];
    // Some phones also hold pushmux's own long connection (the SDK acks what arrives on it).
    for (const device of [...devices.values()].slice(0, connectedCount)) {
      const client = new PushmuxClient({ url, app: APP, deviceId: device.id, deviceKey: device.key, onMessage: () => undefined });
      client.start();
      clients.push(client);
    }

    const started = Date.now();
    const endAt = started + seconds * 1000;
    let nextProgress = started + progressEveryMs;
    let sentByUs = 0;
    const tickMs = 100;
    while (Date.now() < endAt && !options.signal?.aborted) {
      const elapsed = (Date.now() - started) / 1000;
      const down = elapsed >= seconds * incident.from && elapsed < seconds * incident.to;
      if (down !== xiaomiDown) {
        xiaomiDown = down;
        print(down ? `  ${Math.round(elapsed)} s  INCIDENT: the Xiaomi channel accepts but delivers nothing` : `  ${Math.round(elapsed)} s  incident over: the Xiaomi channel delivers again`);
      }
      // Steady traffic: as many notifications as the rate owes by now.
      const owed = Math.floor(elapsed * rate) - sentByUs;
      for (let i = 0; i < owed; i++) {
        sentByUs++;
        // Urgent ones (a delivery slot, a security code) must arrive: they ask for a text as the last step.
        const urgent = Math.random() < smsShare;
        const answer = await gateway.server.inject({
          method: 'POST', url: `/v1/apps/${APP}/notifications`, headers: auth,
          payload: {
            to: { deviceIds: [pick(ids)] }, title: urgent ? 'Demo (urgent)' : 'Demo', body: `message ${sentByUs}`, ackDeadlineMs, ttlSeconds: 600,
            ...(urgent ? { priority: 'high', sms: { text: `pushmux demo: message ${sentByUs}` } } : {}),
          },
        });
        if (answer.statusCode !== 202) print(`  send refused: ${answer.statusCode} ${answer.body}`);
      }
      if (Date.now() >= nextProgress) {
        nextProgress += progressEveryMs;
        const t = await totals(gateway);
        const prefer = preferredByBrand(gateway.scoring.table(APP));
        const makers = Object.keys(MAKER_CHANNEL).map((b) => `${b}→${prefer.get(b) ?? '?'}`).join(' ');
        print(`  ${String(Math.round(elapsed)).padStart(3)} s  sent ${t.sent}  delivered ${t.delivered}  fallbacks ${t.fallbacks}  SMS ${t.sms}  failed ${t.failed}  connections ${t.connections}${xiaomiDown ? '  [incident]' : ''}  best: ${makers}`);
      }
      try {
        await sleep(tickMs, undefined, { signal: options.signal });
      } catch {
        break; // aborted
      }
    }
    xiaomiDown = false;
    await Promise.all(clients.map((c) => c.stop()));
    await Promise.allSettled([...pendingAcks]);
    await gateway.scoring.flush();
    await gateway.scoring.refresh();
    const result: DemoResult = { url, totals: await totals(gateway), scores: gateway.scoring.table(APP) };
    const prefer = preferredByBrand(result.scores);
    const t = result.totals;
    print(`pushmux demo done: sent ${t.sent}  delivered ${t.delivered}  fallbacks ${t.fallbacks}  SMS ${t.sms}  failed ${t.failed}`);
    print(`  preferred channel per brand: ${[...prefer].map(([b, p]) => `${b}→${p}`).join('  ')}`);
    return result;
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await gateway.close();
  }
}
