/**
 * End to end, with the gateway as a process: Xiaomi-model phones whose app never acks are acknowledged
 * only through MiPush delivery receipts. The gateway sends over the live MiPush adapter to a local MiPush
 * mock; the test plays Xiaomi's receipt callback (form field `data`) against the gateway's HTTP port.
 * FCM, configured alongside, accepts and never delivers. The timeline, the acks metric (source xiaomi)
 * and the scores all learn that MiPush delivers to this model and FCM does not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XIAOMI_TEST_APP_SECRET, XIAOMI_TEST_PACKAGE, XiaomiMock } from '../mocks/xiaomi-mock.js';
import { freePort } from '../support/redis-server.js';

const KEY = 'shop-key-0123456789abcdef';
const SECRET = 'receiptSecret_0123456789';
const ROUNDS = 4;
const PHONES = 3;

let mock: XiaomiMock;
let child: ChildProcess | undefined;
let base = '';
let output = '';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test client reading arbitrary JSON
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  mock = await XiaomiMock.start();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = {
    pipeline: { deadlineTickMs: 20 },
    scoring: { flushIntervalMs: 50, snapshotRefreshMs: 100 },
    apps: {
      shop: {
        apiKeys: [{ key: KEY, scopes: ['send', 'devices', 'admin'] }],
        defaults: { ackDeadlineMs: 400 },
        longConnection: { enabled: false },
        providers: {
          // Accepted, never delivered: the silent channel these phones are known for.
          fcm: { sandbox: { acceptRate: 1, deliveryRate: 0 } },
          xiaomi: {
            appSecret: XIAOMI_TEST_APP_SECRET,
            packageName: XIAOMI_TEST_PACKAGE,
            endpoint: mock.url,
            ca: mock.ca,
            callbackUrl: `${base}/v1/apps/shop/receipts/xiaomi`,
            callbackSecret: SECRET,
          },
        },
      },
    },
  };
  const configPath = join(mkdtempSync(join(tmpdir(), 'pushmux-e2e-')), 'pushmux.yaml');
  // JSON is YAML: the CA certificate's line breaks survive as they are.
  writeFileSync(configPath, JSON.stringify(config));
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, REDIS_URL: '', PUSHMUX_DEMO_KEY: '', PUSHMUX_CONFIG: configPath, PORT: String(port), HOST: '127.0.0.1', PUSHMUX_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await until('the gateway did not start', async () => {
    if (child?.exitCode !== null) throw new Error(`gateway exited early:\n${output}`);
    try {
      return (await fetch(`${base}/healthz`)).ok ? true : undefined;
    } catch {
      return undefined;
    }
  }, 20_000);
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await mock?.stop();
});

/** What Xiaomi POSTs to the callback URL it was given: form field `data`, JSON keyed by msgId. */
async function xiaomiReceipt(msgId: string, notificationId: string, regid: string, secret = SECRET): Promise<Response> {
  const data = JSON.stringify({ [msgId]: { param: notificationId, type: 1, targets: regid, jobkey: '', barStatus: 'Enable', timestamp: Date.now() } });
  return fetch(`${base}/v1/apps/shop/receipts/xiaomi?pmx=${secret}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ data }).toString(),
  });
}

describe('Xiaomi receipts, end to end', () => {
  it('acks Xiaomi-model phones only through MiPush receipts, and the scores learn it', async () => {
    for (let i = 0; i < PHONES; i++) {
      const res = await call('PUT', `/v1/apps/shop/devices/redmi-${i}`, { platform: 'android', brand: 'Xiaomi', model: 'Redmi Note 9', tokens: { fcm: `fcm-${i}`, xiaomi: `regid-${i}` } });
      expect(res.status).toBe(201);
    }

    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(Array.from({ length: PHONES }, async (_, i) => {
        const sent = await call('POST', '/v1/apps/shop/notifications', { to: { deviceIds: [`redmi-${i}`] }, title: 'Order', body: `round ${round}` });
        expect(sent.status).toBe(202);
        const id = sent.body.id as string;
        // If the plan starts with FCM, its deadline passes in silence and the plan moves on to MiPush.
        await until(`${id} was not sent on MiPush`, async () => {
          const d = (await call('GET', `/v1/apps/shop/notifications/${id}`)).body.devices[0];
          return d.status === 'sent' && d.channel === 'xiaomi' ? true : undefined;
        });
        const push = mock.sends.find((s) => s.regids.includes(`regid-${i}`) && s.fields.payload?.includes(id));
        expect(push?.fields['extra.callback']).toBe(`${base}/v1/apps/shop/receipts/xiaomi?pmx=${SECRET}`);
        expect(push?.fields['extra.callback.param']).toBe(id);

        // A forged callback changes nothing.
        expect((await xiaomiReceipt(push!.msgId, id, `regid-${i}`, 'guessed-secret-0000000')).status).toBe(401);
        expect((await call('GET', `/v1/apps/shop/notifications/${id}`)).body.devices[0].status).toBe('sent');

        const res = await xiaomiReceipt(push!.msgId, id, `regid-${i}`);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ acked: 1 });
        const done = (await call('GET', `/v1/apps/shop/notifications/${id}`)).body.devices[0];
        expect(done.status).toBe('delivered');
        expect(done.events.find((e: { type: string }) => e.type === 'ack')).toMatchObject({ source: 'xiaomi', channel: 'xiaomi' });
      }));
    }

    // Every ack is counted with its source; on a slow machine a receipt may come after the 400 ms deadline (late).
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const counted = (result: string) => Number(new RegExp(`^pushmux_acks_total\\{app="shop",source="xiaomi",result="${result}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    expect(counted('on_time') + counted('late')).toBe(ROUNDS * PHONES);
    expect(metrics).not.toMatch(/pushmux_acks_total\{app="shop",source="device"/);

    // The model's row learns from the receipts: MiPush delivers, FCM (when it was tried) never did.
    const rows = await until('the scores did not learn MiPush', async () => {
      const { body } = await call('GET', '/v1/apps/shop/scores?brand=xiaomi&model=redmi%20note%209');
      const model = (body.rows as { level: string; provider: string; estimate: number; samples: number }[]).filter((r) => r.level === 'model');
      const xiaomi = model.find((r) => r.provider === 'xiaomi');
      return xiaomi && xiaomi.samples >= ROUNDS * PHONES - 0.5 ? model : undefined;
    });
    const xiaomi = rows.find((r) => r.provider === 'xiaomi')!;
    expect(xiaomi.estimate).toBeGreaterThan(0.5);
    const fcm = rows.find((r) => r.provider === 'fcm');
    if (fcm) expect(xiaomi.estimate).toBeGreaterThan(fcm.estimate);
  }, 90_000);
});
