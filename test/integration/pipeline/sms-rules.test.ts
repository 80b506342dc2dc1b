/**
 * Device-type rules on pushmux's own channels, through the gateway: `deny: [sms]` on a brand means its
 * devices never get a text (the timeline says the rule excluded it) while another brand's device does;
 * `deny: [longconn]` and a pin on sms work as they do for providers, while an allow list or a provider
 * pin (which choose among providers) leave the fallbacks in. Nothing
 * acks here (sandbox texts are never delivered), so each plan runs to its end and shows its whole order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnect } from '../../../src/connect/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { auth, DEVICES_KEY, eventually, SEND_KEY, testConfigObject, testGateway } from '../../support/gateway.js';

let gw: Gateway;

beforeAll(async () => {
  const raw = testConfigObject({ pipeline: { concurrency: 64, deadlineTickMs: 20 } });
  const shop = (raw.apps as Record<string, Record<string, unknown>>).shop!;
  Object.assign(shop, {
    providers: { fcm: { sandbox: { acceptRate: 1 } } },
    sms: { sandbox: { acceptRate: 1, deliveryRate: 0 }, perPhonePerHour: 100 },
    defaults: { ackDeadlineMs: 150 },
    rules: [
      { match: { platform: 'android', brand: 'huawei' }, deny: ['sms'] },
      { match: { brand: 'oppo' }, deny: ['longconn'] },
      { match: { brand: 'vivo' }, allow: ['fcm'] },
      { match: { brand: 'xiaomi' }, pin: 'fcm' },
      { match: { brand: 'honor' }, pin: 'sms' },
      // A brand-wide deny lifted for one model by its own allow.
      { match: { brand: 'nokia' }, deny: ['sms'] },
      { match: { brand: 'nokia', model: 'g42' }, allow: ['fcm', 'longconn', 'sms'] },
    ],
  });
  gw = await testGateway({ config: raw, connect: createConnect });
  const devices: [string, string, string][] = [
    ['huawei-1', 'Huawei', 'P40'], ['samsung-1', 'Samsung', 'Galaxy S23'], ['oppo-1', 'OPPO', 'A57'],
    ['vivo-1', 'vivo', 'Y21'], ['xiaomi-1', 'Xiaomi', 'Redmi Note 8'], ['honor-1', 'Honor', 'Magic5'], ['nokia-1', 'Nokia', 'G42'], ['nokia-2', 'Nokia', 'G21'],
  ];
  for (const [id, brand, model] of devices) {
    const res = await gw.server.inject({
      method: 'PUT', url: `/v1/apps/shop/devices/${id}`, headers: auth(DEVICES_KEY),
      payload: { platform: 'android', brand, model, phone: '+4915112345678', tokens: { fcm: `fcm-${id}` } },
    });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(async () => {
  await gw?.close();
});

interface TimelineEvent { type: string; channel?: string; reason?: string }

/** Sends one urgent notification with a text to one device; answers its timeline once the plan ran out. */
async function timeline(deviceId: string): Promise<TimelineEvent[]> {
  const payload = { to: { deviceIds: [deviceId] }, body: 'hi', priority: 'high', sms: { text: 'Your code is 1234' } };
  const res = await gw.server.inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(SEND_KEY), payload });
  const id = res.json().id as string;
  const final = await eventually(async () => {
    const device = (await gw.server.inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}`, headers: auth(SEND_KEY) })).json().devices[0];
    return device.status === 'failed' ? device : undefined;
  });
  return final.events as TimelineEvent[];
}
const attempts = (events: TimelineEvent[]) => events.filter((e) => e.type === 'attempt').map((e) => e.channel);
const ruleSkips = (events: TimelineEvent[]) =>
  events.filter((e) => e.type === 'skip' && e.reason === 'excluded by routing rule').map((e) => e.channel);

describe('device-type rules on the long connection and SMS', () => {
  it('deny: [sms] on a brand: its device gets no text, another brand\'s device does', async () => {
    const [huawei, samsung] = await Promise.all([timeline('huawei-1'), timeline('samsung-1')]);
    expect(attempts(huawei)).toEqual(['fcm', 'longconn']);
    expect(ruleSkips(huawei)).toEqual(['sms']);
    expect(attempts(samsung)).toEqual(['fcm', 'longconn', 'sms']);
    expect(ruleSkips(samsung)).toEqual([]);
  });

  it('deny: [longconn] leaves the long connection out and keeps the text', async () => {
    const events = await timeline('oppo-1');
    expect(attempts(events)).toEqual(['fcm', 'sms']);
    expect(ruleSkips(events)).toEqual(['longconn']);
  });

  it('an allow list or a provider pin chooses among providers and keeps the fallbacks', async () => {
    const [vivo, xiaomi] = await Promise.all([timeline('vivo-1'), timeline('xiaomi-1')]);
    expect(attempts(vivo)).toEqual(['fcm', 'longconn', 'sms']);
    expect(attempts(xiaomi)).toEqual(['fcm', 'longconn', 'sms']);
    expect(ruleSkips(vivo)).toEqual([]);
    expect(ruleSkips(xiaomi)).toEqual([]);
  });

  it('pin: sms sends only the text', async () => {
    const events = await timeline('honor-1');
    expect(attempts(events)).toEqual(['sms']);
    expect(ruleSkips(events)).toEqual(['fcm', 'longconn']);
  });

  it('a model\'s allow lifts its brand\'s deny: [sms] for that model only', async () => {
    const [g42, g21] = await Promise.all([timeline('nokia-1'), timeline('nokia-2')]);
    expect(attempts(g42)).toEqual(['fcm', 'longconn', 'sms']);
    expect(attempts(g21)).toEqual(['fcm', 'longconn']);
    expect(ruleSkips(g21)).toEqual(['sms']);
  });
});
