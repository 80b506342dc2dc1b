/**
 * POST /v1/apps/:app/receipts/:provider for every provider that calls back: Huawei (X-HUAWEI-CALLBACK-ID
 * HMAC), Xiaomi (form field `data`), vivo and OPPO (JSON, URL secret), Twilio (X-Twilio-Signature). For
 * each, a forged receipt is 401 and leaves the delivery and the registry as they were; the signed one
 * acks the delivery with the provider as source in the timeline and in pushmux_acks_total; a dead-token
 * receipt removes the token. The providers are sandboxes that accept and never deliver, so only the
 * receipt can ack.
 */
import { createHmac } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../../providers/receipts/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { auth, DEVICES_KEY, eventually, SEND_KEY, testConfigObject, testGateway } from '../../support/gateway.js';

const BASE = 'https://gateway.example';
const HMS_USER = 'pushmux-receipts';
const HMS_KEY = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const XIAOMI_SECRET = 'xiaomi-receipt-secret-01';
const OPPO_SECRET = 'oppo-receipt-secret-0123';
const VIVO_SECRET = 'vivo-receipt-secret-0123';
const TWILIO_TOKEN = 'twilio-auth-token-0123456789abcdef';
const PHONE = '+8613800138000';

let gw: Gateway;
const inject = (opts: InjectOptions) => gw.server.inject(opts);

beforeAll(async () => {
  const raw = testConfigObject({ pipeline: { concurrency: 16, deadlineTickMs: 20 } });
  const shop = (raw.apps as Record<string, Record<string, unknown>>).shop!;
  // Accepted, never delivered: an ack can only come from a receipt.
  const silent = { sandbox: { acceptRate: 1, deliveryRate: 0 } };
  shop.providers = { hms: silent, xiaomi: silent, oppo: silent, vivo: silent };
  shop.rules = [];
  shop.longConnection = { enabled: false };
  shop.sms = { sandbox: { acceptRate: 1, deliveryRate: 0 }, perPhonePerHour: 100 };
  shop.receipts = {
    publicBaseUrl: BASE,
    hms: { callbackUser: HMS_USER, callbackSecret: HMS_KEY },
    xiaomi: { callbackSecret: XIAOMI_SECRET },
    oppo: { callbackSecret: OPPO_SECRET },
    vivo: { callbackSecret: VIVO_SECRET },
    twilio: { authToken: TWILIO_TOKEN },
  };
  gw = await testGateway({ config: raw });
});

afterAll(async () => {
  await gw?.close();
});

type Channel = 'hms' | 'xiaomi' | 'oppo' | 'vivo' | 'sms';

/** Registers a device reachable only on `channel` (`sms`: only by phone). */
async function register(deviceId: string, channel: Channel, token: string): Promise<void> {
  const body = channel === 'sms'
    ? { platform: 'android', brand: 'nokia', model: 'g20', phone: PHONE, tokens: {} }
    : { platform: 'android', brand: 'acme', model: 'a1', tokens: { [channel]: token } };
  const res = await inject({ method: 'PUT', url: `/v1/apps/shop/devices/${deviceId}`, headers: auth(DEVICES_KEY), payload: body });
  expect(res.statusCode).toBeLessThan(300);
}

/** Sends to one device and waits until its channel accepted it (status `sent`, waiting for an ack). */
async function sentTo(deviceId: string, channel: Channel): Promise<string> {
  const payload: Record<string, unknown> = { to: { deviceIds: [deviceId] }, body: 'hello', ackDeadlineMs: 30_000 };
  if (channel === 'sms') payload.sms = { text: 'hello by text' };
  const res = await inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(SEND_KEY), payload });
  const id = res.json().id as string;
  await eventually(async () => {
    const d = await delivery(id);
    return d.status === 'sent' && d.channel === channel ? true : undefined;
  });
  return id;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test client reading arbitrary JSON
async function delivery(id: string): Promise<any> {
  return (await inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}`, headers: auth(SEND_KEY) })).json().devices[0];
}

async function tokens(deviceId: string): Promise<Record<string, string> | undefined> {
  return (await gw.stores.devices.get('shop', deviceId))?.tokens as Record<string, string> | undefined;
}

async function acksMetric(source: string): Promise<number> {
  const text = (await inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`pushmux_acks_total{app="shop",source="${source}",result="on_time"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

function huaweiHeader(key: string = HMS_KEY): string {
  const timestamp = Date.now();
  const nonce = `n-${timestamp}`;
  const value = createHmac('sha256', Buffer.from(key, 'base64')).update(`${timestamp}${nonce}${HMS_USER}`).digest('base64');
  return `timestamp=${timestamp};nonce=${nonce};value=${value}`;
}

/** One receipt request per provider format; `forged` signs it with the wrong key / URL secret. */
const receipts = {
  hms: (notificationId: string, token: string, status: number, forged = false): InjectOptions => ({
    method: 'POST',
    url: '/v1/apps/shop/receipts/hms',
    headers: { 'content-type': 'application/json', 'x-huawei-callback-id': huaweiHeader(forged ? Buffer.from('not the key').toString('base64') : HMS_KEY) },
    payload: JSON.stringify({ statuses: [{ biTag: notificationId, appid: '104567891', token, status, timestamp: Date.now(), requestId: 'req-1' }] }),
  }),
  xiaomi: (notificationId: string, token: string, type: number, forged = false): InjectOptions => ({
    method: 'POST',
    url: `/v1/apps/shop/receipts/xiaomi?pmx=${forged ? 'guessed-secret-000000' : XIAOMI_SECRET}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ data: JSON.stringify({ scm0001: { param: notificationId, type, targets: token, timestamp: Date.now() } }) }).toString(),
  }),
  oppo: (notificationId: string, token: string, eventType: string, forged = false): InjectOptions => ({
    method: 'POST',
    url: `/v1/apps/shop/receipts/oppo?pmx=${forged ? 'guessed-secret-000000' : OPPO_SECRET}`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify([{ messageId: 'm1', appId: 'a', registrationIds: token, eventTime: String(Date.now()), param: notificationId, eventType }]),
  }),
  vivo: (notificationId: string, token: string, forged = false): InjectOptions => ({
    method: 'POST',
    url: `/v1/apps/shop/receipts/vivo?pmx=${forged ? 'guessed-secret-000000' : VIVO_SECRET}`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ '584021233': { param: notificationId, targets: token } }),
  }),
  twilio: (notificationId: string, status: string, forged = false): InjectOptions => {
    const path = `/v1/apps/shop/receipts/twilio?notificationId=${notificationId}`;
    const params = new URLSearchParams({ MessageSid: 'SM0123', MessageStatus: status, To: PHONE, From: '+15005550006', AccountSid: 'AC1', ApiVersion: '2010-04-01' });
    return {
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(forged ? 'another-auth-token-000000' : TWILIO_TOKEN, `${BASE}${path}`, params) },
      payload: params.toString(),
    };
  },
};

/** The shared check: forged → 401 and nothing changes; signed → ack with `source` in timeline and metrics. */
async function forgedThenSigned(id: string, deviceId: string, source: string, forged: InjectOptions, signed: InjectOptions): Promise<void> {
  const before = await tokens(deviceId);
  const metricBefore = await acksMetric(source);
  const refused = await inject(forged);
  expect(refused.statusCode).toBe(401);
  expect(refused.json().error.code).toBe('unauthorized');
  expect((await delivery(id)).status).toBe('sent');
  expect(await tokens(deviceId)).toEqual(before);
  expect(await acksMetric(source)).toBe(metricBefore);

  const accepted = await inject(signed);
  expect(accepted.statusCode).toBeLessThan(300);
  const done = await delivery(id);
  expect(done.status).toBe('delivered');
  expect(done.events.find((e: { type: string }) => e.type === 'ack')).toMatchObject({ source });
  expect(await acksMetric(source)).toBe(metricBefore + 1);
}

describe('receipt routes', () => {
  it('Huawei: forged X-HUAWEI-CALLBACK-ID is 401; signed status 0 acks (source hms)', async () => {
    await register('hw-1', 'hms', 'hms-tok-1');
    const id = await sentTo('hw-1', 'hms');
    await forgedThenSigned(id, 'hw-1', 'hms', receipts.hms(id, 'hms-tok-1', 0, true), receipts.hms(id, 'hms-tok-1', 0));
  });

  it.each([2, 5, 6, 10, 201])('Huawei: status %i removes the token; forged, it removes nothing', async (status) => {
    const deviceId = `hw-dead-${status}`;
    await register(deviceId, 'hms', `hms-dead-${status}`);
    const id = await sentTo(deviceId, 'hms');
    expect((await inject(receipts.hms(id, `hms-dead-${status}`, status, true))).statusCode).toBe(401);
    expect(await tokens(deviceId)).toEqual({ hms: `hms-dead-${status}` });
    const res = await inject(receipts.hms(id, `hms-dead-${status}`, status));
    expect(res.json()).toEqual({ code: '0', message: 'success' });
    expect(await tokens(deviceId)).toEqual({});
  });

  it('Xiaomi: a wrong URL secret is 401; type 1 acks (source xiaomi); type 16 removes the token', async () => {
    await register('mi-1', 'xiaomi', 'regid-1');
    const id = await sentTo('mi-1', 'xiaomi');
    await forgedThenSigned(id, 'mi-1', 'xiaomi', receipts.xiaomi(id, 'regid-1', 1, true), receipts.xiaomi(id, 'regid-1', 1));

    await register('mi-dead', 'xiaomi', 'regid-dead');
    const dead = await sentTo('mi-dead', 'xiaomi');
    expect((await inject(receipts.xiaomi(dead, 'regid-dead', 16, true))).statusCode).toBe(401);
    expect(await tokens('mi-dead')).toEqual({ xiaomi: 'regid-dead' });
    expect((await inject(receipts.xiaomi(dead, 'regid-dead', 16))).json()).toMatchObject({ invalidTokens: 1 });
    expect(await tokens('mi-dead')).toEqual({});
  });

  it('OPPO: a wrong URL secret is 401; push_arrive acks (source oppo); regid_invalid removes the token', async () => {
    await register('op-1', 'oppo', 'oppo-1');
    const id = await sentTo('op-1', 'oppo');
    await forgedThenSigned(id, 'op-1', 'oppo', receipts.oppo(id, 'oppo-1', 'push_arrive', true), receipts.oppo(id, 'oppo-1', 'push_arrive'));

    await register('op-dead', 'oppo', 'oppo-dead');
    const dead = await sentTo('op-dead', 'oppo');
    expect((await inject(receipts.oppo(dead, 'oppo-dead', 'regid_invalid'))).json()).toMatchObject({ invalidTokens: 1 });
    expect(await tokens('op-dead')).toEqual({});
  });

  it('vivo: a wrong URL secret is 401; the receipt acks (source vivo)', async () => {
    await register('vv-1', 'vivo', 'vivo-1');
    const id = await sentTo('vv-1', 'vivo');
    await forgedThenSigned(id, 'vv-1', 'vivo', receipts.vivo(id, 'vivo-1', true), receipts.vivo(id, 'vivo-1'));
  });

  it('Twilio: a bad X-Twilio-Signature is 401; a signed delivered callback acks the SMS (source twilio)', async () => {
    await register('tw-1', 'sms', PHONE);
    const id = await sentTo('tw-1', 'sms');
    await forgedThenSigned(id, 'tw-1', 'twilio', receipts.twilio(id, 'delivered', true), receipts.twilio(id, 'delivered'));
    expect((await delivery(id)).events.find((e: { type: string }) => e.type === 'ack')).toMatchObject({ channel: 'sms' });
  });

  it('answers 404 for an app without that receipt secret and for an unknown app', async () => {
    expect((await inject({ method: 'POST', url: '/v1/apps/other/receipts/xiaomi?pmx=x', payload: 'data={}' })).statusCode).toBe(404);
    expect((await inject({ method: 'POST', url: '/v1/apps/nope/receipts/hms', payload: '{}' })).statusCode).toBe(404);
  });
});
