/**
 * Provider receipts as acks, end to end: a Xiaomi-model device whose app never acks itself is
 * acknowledged only through MiPush delivery receipts (the test plays Xiaomi's callback), and the
 * scores learn that MiPush delivers to it while FCM stays silent. Dead-target receipts clean the
 * registry and reach the feedback webhook; forged receipts are refused and change nothing. SMS is the
 * last step for notifications that ask for it, behind a per-phone limit.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway.js';
import { XIAOMI_TEST_APP_SECRET, XIAOMI_TEST_PACKAGE, XiaomiMock } from '../../mocks/xiaomi-mock.js';
import { auth, DEVICES_KEY, eventually, SEND_KEY, testConfigObject, testGateway } from '../../support/gateway.js';

const SECRET = 'receiptSecret_0123456789';
let gw: Gateway;
let mock: XiaomiMock;
let webhook: Server;
const feedback: Record<string, unknown>[] = [];
const feedbackSecrets: string[] = [];

beforeAll(async () => {
  mock = await XiaomiMock.start();
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      feedback.push(JSON.parse(body) as Record<string, unknown>);
      feedbackSecrets.push(String(req.headers['x-pushmux-secret']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const raw = testConfigObject({ pipeline: { concurrency: 64, deadlineTickMs: 20 } });
  const shop = (raw.apps as Record<string, Record<string, unknown>>).shop!;
  shop.rules = [];
  shop.defaults = { ackDeadlineMs: 300 };
  shop.feedback = { url: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/feedback`, secret: 'feedback-secret-123' };
  shop.providers = {
    fcm: { sandbox: { acceptRate: 1 } },
    xiaomi: {
      appSecret: XIAOMI_TEST_APP_SECRET, packageName: XIAOMI_TEST_PACKAGE, endpoint: mock.url, ca: mock.ca,
      callbackUrl: 'https://gateway.example/v1/apps/shop/receipts/xiaomi', callbackSecret: SECRET,
    },
  };
  shop.sms = { sandbox: { acceptRate: 1, deliveryRate: 0 }, perPhonePerHour: 2 };
  shop.longConnection = { enabled: false };
  gw = await testGateway({ config: raw });
  const devices: [string, Record<string, unknown>][] = [
    ...[0, 1, 2].map((i): [string, Record<string, unknown>] => [`redmi-${i}`, { platform: 'android', brand: 'xiaomi', model: 'redmi 9', tokens: { fcm: `f-${i}`, xiaomi: `regid-${i}` } }]),
    ['dead', { platform: 'android', brand: 'xiaomi', model: 'redmi 9', tokens: { xiaomi: 'regid-dead' } }],
    ['phone-only', { platform: 'android', brand: 'nokia', phone: '+4915112345678', tokens: {} }],
  ];
  for (const [id, body] of devices) {
    await gw.server.inject({ method: 'PUT', url: `/v1/apps/shop/devices/${id}`, headers: auth(DEVICES_KEY), payload: body });
  }
});
afterAll(async () => {
  await gw?.close();
  await mock?.stop();
  webhook?.close();
});

const inject = (opts: InjectOptions) => gw.server.inject(opts);
const send = async (body: Record<string, unknown>) => (await inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(SEND_KEY), payload: body })).json().id as string;
const delivery = async (id: string) => (await inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}`, headers: auth(SEND_KEY) })).json().devices[0];
/** What Xiaomi POSTs to the callback URL: form field `data`, JSON keyed by msgId. */
const receipt = (msgId: string, notificationId: string, regid: string, type: number, secret = SECRET) =>
  inject({
    method: 'POST',
    url: `/v1/apps/shop/receipts/xiaomi?pmx=${secret}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `data=${encodeURIComponent(JSON.stringify({ [msgId]: { param: notificationId, type, targets: regid, timestamp: Date.now() } }))}`,
  });

describe('provider receipts', () => {
  it('acks a Xiaomi device only through MiPush receipts, and the scores learn it', async () => {
    for (let round = 0; round < 4; round++) {
      await Promise.all([0, 1, 2].map(async (i) => {
        const id = await send({ to: { deviceIds: [`redmi-${i}`] }, body: `round ${round}` });
        // FCM stays silent: if the plan starts there, its deadline moves it on to MiPush.
        const waiting = await eventually(async () => {
          const d = await delivery(id);
          return d.status === 'sent' && d.channel === 'xiaomi' ? d : undefined;
        });
        const sent = mock.sends.find((s) => s.regids.includes(`regid-${i}`) && s.fields.payload?.includes(id));
        expect(sent).toBeDefined();
        expect(waiting.events.find((e: { type: string; channel: string }) => e.type === 'attempt' && e.channel === 'xiaomi').providerMessageId).toBe(sent!.msgId);
        const res = await receipt(sent!.msgId, id, `regid-${i}`, 1);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ acked: 1 });
        const done = await delivery(id);
        expect(done.status).toBe('delivered');
        expect(done.events.find((e: { type: string }) => e.type === 'ack')).toMatchObject({ source: 'xiaomi', channel: 'xiaomi' });
      }));
    }
    await gw.scoring.flush();
    const rows = (await inject({ method: 'GET', url: '/v1/apps/shop/scores?brand=xiaomi&model=redmi%209', headers: auth(SEND_KEY) })).json().rows as { level: string; provider: string; estimate: number }[];
    const model = (p: string) => rows.find((r) => r.level === 'model' && r.provider === p);
    expect(model('xiaomi')!.estimate).toBeGreaterThan(0.5);
    if (model('fcm')) expect(model('xiaomi')!.estimate).toBeGreaterThan(model('fcm')!.estimate);
    expect(gw.scoring.table('shop', { brand: 'xiaomi' }).some((r) => r.provider === 'xiaomi' && r.samples >= 10)).toBe(true);
  });

  it('refuses forged and malformed receipts without touching anything', async () => {
    const id = await send({ to: { deviceIds: ['redmi-0'] }, body: 'forged', channels: { allow: ['xiaomi'] }, ackDeadlineMs: 5_000 });
    await eventually(async () => ((await delivery(id)).status === 'sent' ? true : undefined));
    const sent = mock.sends.find((s) => s.fields.payload?.includes(id))!;
    const forged = await receipt(sent.msgId, id, 'regid-0', 1, 'wrong-secret-0123456789');
    expect(forged.statusCode).toBe(401);
    const bare = await inject({ method: 'POST', url: '/v1/apps/shop/receipts/xiaomi', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'data={}' });
    expect(bare.statusCode).toBe(401);
    const malformed = await inject({ method: 'POST', url: `/v1/apps/shop/receipts/xiaomi?pmx=${SECRET}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'data=not-json' });
    expect(malformed.statusCode).toBe(400);
    expect((await inject({ method: 'POST', url: '/v1/apps/shop/receipts/hms', payload: '{}' })).statusCode).toBe(404);
    expect((await delivery(id)).status).toBe('sent');
  });

  it('cleans the registry on a dead-target receipt and tells the feedback webhook', async () => {
    const id = await send({ to: { deviceIds: ['dead'] }, body: 'x', ackDeadlineMs: 5_000 });
    await eventually(async () => ((await delivery(id)).status === 'sent' ? true : undefined));
    const sent = mock.sends.find((s) => s.fields.payload?.includes(id))!;
    expect((await receipt(sent.msgId, id, 'regid-dead', 16)).json()).toMatchObject({ invalidTokens: 1 });
    expect((await gw.stores.devices.get('shop', 'dead'))?.tokens).toEqual({});
    await eventually(async () => (feedback.length > 0 ? true : undefined));
    expect(feedback[0]).toMatchObject({ app: 'shop', deviceId: 'dead', provider: 'xiaomi', token: 'regid-dead' });
    expect(feedbackSecrets[0]).toBe('feedback-secret-123');
  });

  it('texts a device that asks for SMS, at most perPhonePerHour times', async () => {
    const results: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await send({ to: { deviceIds: ['phone-only'] }, body: 'code 1234', sms: { text: 'Your code is 1234' }, ackDeadlineMs: 150 });
      const final = await eventually(async () => {
        const d = await delivery(id);
        return d.status === 'failed' ? d : undefined;
      });
      const attempt = final.events.find((e: { type: string; channel: string }) => e.type === 'attempt' && e.channel === 'sms');
      results.push(attempt.outcome === 'accepted' ? 'sent' : attempt.reason);
    }
    expect(results).toEqual(['sent', 'sent', 'per-phone SMS limit reached']);
  });
});
