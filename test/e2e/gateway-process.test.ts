/**
 * The gateway as a process, used the way a client would: start it, register devices, send, read the
 * timeline to its final state, shut it down with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/redis-server.js';
import { redisUrl, testPrefix } from '../support/redis.js';

interface Running {
  child: ChildProcess;
  base: string;
  stdout: () => string;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startGateway(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, REDIS_URL: '', PUSHMUX_CONFIG: '', PUSHMUX_DEMO_KEY: '', ...env, PORT: String(port), HOST: '127.0.0.1', PUSHMUX_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited early:\n${out}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base, stdout: () => out };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test client reading arbitrary JSON
async function call(base: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test client reading arbitrary JSON
async function waitFinal(base: string, key: string, app: string, id: string): Promise<any> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { body } = await call(base, key, 'GET', `/v1/apps/${app}/notifications/${id}`);
    if (!['queued', 'sending'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`notification ${id} stuck in ${body.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test client reading arbitrary JSON
async function waitDelivered(base: string, key: string, app: string, id: string): Promise<any> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { body } = await call(base, key, 'GET', `/v1/apps/${app}/notifications/${id}`);
    if (body.status === 'delivered') return body;
    if (Date.now() > deadline) throw new Error(`notification ${id} not delivered: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('gateway process', () => {
  it('runs on Redis from a YAML config: register, send, batch, timeline, graceful SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushmux-e2e-'));
    const configPath = join(dir, 'pushmux.yaml');
    writeFileSync(configPath, `
redis:
  keyPrefix: ${testPrefix()}
apps:
  market:
    apiKeys:
      - key: \${MARKET_KEY}
        scopes: [send, devices]
    providers:
      apns: { sandbox: { acceptRate: 1, deliveryRate: 1 } }
      fcm: { sandbox: { acceptRate: 1, deliveryRate: 1 } }
      hms: { sandbox: { acceptRate: 1, deliveryRate: 1 } }
    rules:
      - match: { brand: huawei }
        deny: [fcm]
`);
    const key = 'market-key-0123456789abcdef';
    const gw = await startGateway({ PUSHMUX_CONFIG: configPath, REDIS_URL: redisUrl(), MARKET_KEY: key });
    const devices = [
      ['ios-1', { platform: 'ios', brand: 'apple', model: 'iphone14,5', userId: 'u1', tokens: { apns: 'a1' } }],
      ['hw-1', { platform: 'android', brand: 'huawei', model: 'p40', userId: 'u1', tokens: { fcm: 'f2', hms: 'h2' } }],
      ['px-1', { platform: 'android', brand: 'google', model: 'pixel 7', userId: 'u2', tokens: { fcm: 'f3' } }],
    ] as const;
    for (const [id, body] of devices) expect((await call(gw.base, key, 'PUT', `/v1/apps/market/devices/${id}`, body)).status).toBe(201);

    const sent = await call(gw.base, key, 'POST', '/v1/apps/market/notifications', { to: { userIds: ['u1', 'u2'] }, title: 'Sale', body: 'Today only' });
    expect(sent.status).toBe(202);
    // The simulated devices ack what reaches them: every delivery ends delivered on its first channel.
    const final = await waitDelivered(gw.base, key, 'market', sent.body.id);
    expect(final.status).toBe('delivered');
    const channels = Object.fromEntries(final.devices.map((d: { deviceId: string; channel: string }) => [d.deviceId, d.channel]));
    expect(channels).toEqual({ 'ios-1': 'apns', 'hw-1': 'hms', 'px-1': 'fcm' });

    const batch = await call(gw.base, key, 'POST', '/v1/apps/market/notifications/batch', {
      notifications: [{ to: { deviceIds: ['px-1'] }, body: 'a' }, { to: { deviceIds: ['ios-1'] }, body: 'b' }],
    });
    expect(batch.body.accepted).toBe(2);
    for (const result of batch.body.results) expect((await waitDelivered(gw.base, key, 'market', result.id)).status).toBe('delivered');

    const metrics = await (await fetch(`${gw.base}/metrics`)).text();
    expect(metrics).toMatch(/pushmux_notifications_accepted_total\{app="market"\} 3/);

    const exited = new Promise<number | null>((resolve) => gw.child.once('exit', (code) => resolve(code)));
    gw.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('starts on the embedded default with a generated demo key and simulated providers', async () => {
    const gw = await startGateway({});
    const key = /demo app key \(generated, all scopes\): (\S+)/.exec(gw.stdout())?.[1];
    expect(key).toBeTruthy();
    expect(gw.stdout()).toContain('SANDBOX PROVIDER');
    expect((await call(gw.base, key!, 'PUT', '/v1/apps/demo/devices/d1', { platform: 'android', brand: 'xiaomi', tokens: { xiaomi: 'x1' } })).status).toBe(201);
    const sent = await call(gw.base, key!, 'POST', '/v1/apps/demo/notifications', { to: { deviceIds: ['d1'] }, body: 'hello' });
    expect(sent.status).toBe(202);
    expect(['sent', 'delivered', 'failed']).toContain((await waitFinal(gw.base, key!, 'demo', sent.body.id)).status);
  }, 60_000);

  it('refuses a broken config file with a message naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushmux-e2e-'));
    const configPath = join(dir, 'broken.yaml');
    writeFileSync(configPath, 'apps:\n  shop:\n    apiKeys:\n      - key: short\n        scopes: [send]\n');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, PUSHMUX_CONFIG: configPath }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('apps.shop.apiKeys[0].key');
    expect(err).toContain('Fix:');
  }, 30_000);
});
