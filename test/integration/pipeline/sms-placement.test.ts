/**
 * Where SMS goes in a real plan: an urgent notification to a device class whose push provider the
 * scores expect to do worse than a text gets the text (after the free long connection) before that
 * provider; a class whose provider delivers keeps SMS last; an app whose texts cost more keeps SMS last
 * for the same scores. Nothing acks here, so each plan runs to its end and the timeline shows the
 * whole order.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnect } from '../../../src/connect/index.js';
import type { Gateway } from '../../../src/gateway.js';
import type { DeviceClass } from '../../../src/pipeline/ranker.js';
import { auth, DEVICES_KEY, eventually, OTHER_APP_KEY, SEND_KEY, testConfigObject, testGateway } from '../../support/gateway.js';

const nokia: DeviceClass = { platform: 'android', brand: 'Nokia', model: 'G42' };
const samsung: DeviceClass = { platform: 'android', brand: 'Samsung', model: 'Galaxy S23' };
let gw: Gateway;

/** Teaches the scores `delivered` successes and `failed` failures of `channel` for a class. */
function learn(app: string, cls: DeviceClass, channel: string, delivered: number, failed: number): void {
  for (let i = 0; i < delivered; i++) gw.scoring.record(app, cls, channel, { delivered: true, latencyMs: 900 });
  for (let i = 0; i < failed; i++) gw.scoring.record(app, cls, channel, { delivered: false });
}

beforeAll(async () => {
  const raw = testConfigObject({ pipeline: { concurrency: 64, deadlineTickMs: 20 } });
  const apps = raw.apps as Record<string, Record<string, unknown>>;
  const sms = { sandbox: { acceptRate: 1, deliveryRate: 0 }, perPhonePerHour: 100 };
  Object.assign(apps.shop!, {
    rules: [], providers: { fcm: { sandbox: { acceptRate: 1 } } }, sms, defaults: { ackDeadlineMs: 150 },
  });
  // Same providers and scores, but texts cost this app far more than the default 0.3: SMS stays last.
  Object.assign(apps.other!, {
    providers: { fcm: { sandbox: { acceptRate: 1 } } }, sms: { ...sms, costPerMessage: 0.85 }, defaults: { ackDeadlineMs: 150 },
  });
  gw = await testGateway({ config: raw, connect: createConnect });
  for (const app of ['shop', 'other']) {
    // FCM seldom reaches these Nokia phones (~0.2); it reaches Samsung ones. Texts arrive on both (~0.95).
    learn(app, nokia, 'fcm', 8, 32);
    learn(app, samsung, 'fcm', 38, 2);
    learn(app, nokia, 'sms', 38, 2);
    learn(app, samsung, 'sms', 38, 2);
  }
  const devices: [string, string, DeviceClass][] = [
    ['shop', 'nokia-1', nokia], ['shop', 'galaxy-1', samsung], ['other', 'nokia-2', nokia],
  ];
  for (const [app, id, cls] of devices) {
    const res = await gw.server.inject({
      method: 'PUT', url: `/v1/apps/${app}/devices/${id}`, headers: auth(app === 'shop' ? DEVICES_KEY : OTHER_APP_KEY),
      payload: { ...cls, phone: '+4915112345678', tokens: { fcm: `fcm-${id}` } },
    });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(async () => {
  await gw?.close();
});

const inject = (opts: InjectOptions) => gw.server.inject(opts);

/** Sends one notification to one device and answers the channels it attempted, in order. */
async function attemptOrder(app: string, deviceId: string, extra: Record<string, unknown>): Promise<string[]> {
  const headers = auth(app === 'shop' ? SEND_KEY : OTHER_APP_KEY);
  const id = (await inject({ method: 'POST', url: `/v1/apps/${app}/notifications`, headers, payload: { to: { deviceIds: [deviceId] }, body: 'hi', ...extra } })).json().id as string;
  const final = await eventually(async () => {
    const device = (await inject({ method: 'GET', url: `/v1/apps/${app}/notifications/${id}`, headers })).json().devices[0];
    return device.status === 'failed' ? device : undefined;
  });
  return (final.events as { type: string; channel: string }[]).filter((e) => e.type === 'attempt').map((e) => e.channel);
}

const urgent = { priority: 'high', sms: { text: 'Your code is 1234' } };

describe('SMS placement in the plan', () => {
  it('texts an urgent notification before a push provider the scores expect to do worse (after the long connection)', async () => {
    expect(await attemptOrder('shop', 'nokia-1', urgent)).toEqual(['longconn', 'sms', 'fcm']);
  });

  it('keeps SMS last behind a push provider that delivers', async () => {
    expect(await attemptOrder('shop', 'galaxy-1', urgent)).toEqual(['fcm', 'longconn', 'sms']);
  });

  it('leaves a notification without SMS as before: providers, then the long connection', async () => {
    expect(await attemptOrder('shop', 'nokia-1', { priority: 'high' })).toEqual(['fcm', 'longconn']);
  });

  it('counts the sandbox\'s texts as provider="sms" attempts, like a live sender\'s', async () => {
    const body = (await inject({ method: 'GET', url: '/metrics' })).body;
    expect(body).toMatch(/^pushmux_provider_attempts_total\{app="shop",provider="sms",outcome="accepted"\} [1-9]/m);
  });

  it('weighs the app\'s own cost per text: at 0.85 the text stays behind the same poor provider', async () => {
    expect(await attemptOrder('other', 'nokia-2', urgent)).toEqual(['fcm', 'longconn', 'sms']);
  });
});
