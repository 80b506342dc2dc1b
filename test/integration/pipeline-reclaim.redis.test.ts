/**
 * A job held by a worker that died is taken over by another instance once idle past the reclaim
 * window, and its devices are delivered.
 */
import { describe, expect, it } from 'vitest';
import { auth, DEVICES_KEY, eventually, SEND_KEY, testConfigObject, testGateway } from '../support/gateway.js';
import { redisGateways, redisUrl } from '../support/redis.js';

const { prefix, gateways } = redisGateways();

describe('crashed worker', () => {
  it('has its held job reclaimed and delivered by another instance', async () => {
    // The front instance accepts only (no worker), like an API-only node.
    const front = await testGateway({ redisUrl: redisUrl(), keyPrefix: prefix, worker: false });
    gateways.push(front);
    await front.server.inject({ method: 'PUT', url: '/v1/apps/shop/devices/d1', headers: auth(DEVICES_KEY), payload: { platform: 'android', tokens: { fcm: 'f1' } } });
    const { id } = (await front.server.inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(SEND_KEY), payload: { to: { deviceIds: ['d1'] }, body: 'x' } })).json();

    // A worker takes the job and dies without acking it.
    const held = await front.stores.queue.take('shop', 'crashed-worker', 10, 100);
    expect(held.map((j) => j.notificationId)).toEqual([id]);

    const config = testConfigObject({ pipeline: { reclaimIdleMs: 1_000, concurrency: 8 } });
    const rescuer = await testGateway({ redisUrl: redisUrl(), keyPrefix: prefix, config });
    gateways.push(rescuer);
    const final = await eventually(async () => {
      const body = (await rescuer.server.inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}`, headers: auth(SEND_KEY) })).json();
      return body.status === 'sent' ? body : undefined;
    }, 10_000, 100);
    expect(final.counts.sent).toBe(1);
    await eventually(async () => ((await rescuer.stores.queue.stats('shop')).depth === 0 ? true : undefined), 5_000, 100);
  }, 20_000);
});
