/**
 * A provider slower than the ack deadline: the deadline falls while the step is still being sent.
 * It must be looked at again once the provider answers, never lost (the delivery would wait forever).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway.js';
import { auth, DEVICES_KEY, eventually, SEND_KEY, testConfigObject, testGateway } from '../../support/gateway.js';

let gw: Gateway;
beforeAll(async () => {
  const raw = testConfigObject({ pipeline: { concurrency: 8, deadlineTickMs: 20 } });
  const shop = (raw.apps as Record<string, Record<string, unknown>>).shop!;
  shop.defaults = { ackDeadlineMs: 150 };
  shop.longConnection = { enabled: false };
  // The simulated provider takes 600 ms to answer; its devices never ack.
  gw = await testGateway({ config: raw, sandbox: () => ({ apiLatencyMs: { min: 600, max: 600 } }) });
  await gw.server.inject({ method: 'PUT', url: '/v1/apps/shop/devices/slow', headers: auth(DEVICES_KEY), payload: { platform: 'android', brand: 'google', tokens: { fcm: 'f' } } });
});
afterAll(() => gw.close());

describe('a send slower than its deadline', () => {
  it('still has its deadline handled once the provider answers', async () => {
    const { id } = (await gw.server.inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(SEND_KEY), payload: { to: { deviceIds: ['slow'] }, body: 'x' } })).json();
    const final = await eventually(async () => {
      const d = (await gw.server.inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}`, headers: auth(SEND_KEY) })).json().devices[0];
      return d.status === 'failed' ? d : undefined;
    }, 10_000, 50);
    expect(final.events.map((e: { type: string; channel?: string }) => `${e.type}:${e.channel ?? ''}`)).toEqual(
      expect.arrayContaining(['attempt:fcm', 'deadline:fcm']),
    );
  }, 20_000);
});
