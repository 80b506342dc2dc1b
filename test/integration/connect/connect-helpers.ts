/**
 * Shared helpers of the long-connection suites (socket.io's test/support/util.ts, STYLE.md §8): real
 * gateways on port 0 with the connect module, devices registered through the API, raw sockets.
 */
import { WebSocket } from 'ws';
import { connectFactory, signConnectToken, type ConnectOptions, type LongConnectionService } from '../../../src/connect/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { auth, DEVICES_KEY, SEND_KEY, testConfigObject, testGateway } from '../../support/gateway.js';

export interface TestNode {
  gw: Gateway;
  url: string;
  service: LongConnectionService;
}

/** The test apps, with acks answered quickly enough that a missed one shows within a test. */
export function connectConfig(): Record<string, unknown> {
  const raw = testConfigObject({ pipeline: { reclaimIdleMs: 2_000, concurrency: 64, deadlineTickMs: 20 } });
  const apps = raw.apps as Record<string, Record<string, unknown>>;
  apps.shop!.defaults = { ackDeadlineMs: 10_000 };
  return raw;
}

/** A gateway with the long connection, listening on a free port. */
export async function startNode(options: { redisUrl?: string; keyPrefix?: string; connect?: Partial<ConnectOptions> } = {}): Promise<TestNode> {
  let service: LongConnectionService | undefined;
  const gw = await testGateway({
    config: connectConfig(),
    redisUrl: options.redisUrl,
    keyPrefix: options.keyPrefix,
    connect: connectFactory(options.connect, (s) => (service = s)),
  });
  const url = await gw.listen();
  if (!service) throw new Error('connect factory did not run');
  return { gw, url, service };
}

/** Registers a device with no provider tokens (its plan is the long connection alone); answers its key. */
export async function registerDevice(gw: Gateway, deviceId: string, app = 'shop', key = DEVICES_KEY): Promise<string> {
  const res = await gw.server.inject({ method: 'PUT', url: `/v1/apps/${app}/devices/${deviceId}`, headers: auth(key), payload: { platform: 'web' } });
  if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`register ${deviceId}: ${res.statusCode} ${res.body}`);
  return res.json().deviceKey as string;
}

/** Sends a notification through the API; answers its id. */
export async function sendTo(gw: Gateway, deviceIds: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await gw.server.inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(SEND_KEY), payload: { to: { deviceIds }, title: 'hi', body: 'there', ...extra } });
  if (res.statusCode !== 202) throw new Error(`send: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

/** The delivery of one device, from the status endpoint. */
export async function deliveryOf(gw: Gateway, id: string, deviceId: string): Promise<{ status: string; channel?: string; events: { type: string; channel?: string; source?: string }[] }> {
  const body = (await gw.server.inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}`, headers: auth(SEND_KEY) })).json();
  return body.devices.find((d: { deviceId: string }) => d.deviceId === deviceId);
}

export function tokenFor(deviceId: string, key: string, app = 'shop', lifetimeMs = 60_000): string {
  return signConnectToken(app, deviceId, key, Date.now() + lifetimeMs);
}

export type RawOpen = { ok: true; ws: WebSocket; frames: unknown[]; closed: Promise<{ code: number; reason: string }> } | { ok: false; status: number; body: string };

/** Opens a raw socket: answers the open socket (with the frames it gets) or the refused upgrade's status. */
export function openRaw(url: string, app: string, token: string | undefined): Promise<RawOpen> {
  const target = `${url.replace(/^http/, 'ws')}/v1/apps/${app}/connect${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
  const ws = new WebSocket(target);
  const frames: unknown[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ok: true, ws, frames, closed }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ ok: false, status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (error) => reject(error));
  });
}

/** A metric sample's value from the Prometheus text (0 when absent). */
export async function metricValue(gw: Gateway, name: string, labels: Record<string, string>): Promise<number> {
  const text = await gw.metrics.registry.metrics();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
