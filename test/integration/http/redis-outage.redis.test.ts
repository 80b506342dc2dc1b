/**
 * A 202 means stored: with Redis gone the API answers 503 (nothing accepted, nothing lost) and
 * /readyz fails, and the process keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway.js';
import { startRedisServer, type RedisServerHandle } from '../../support/redis-server.js';
import { auth, DEVICES_KEY, SEND_KEY, testGateway } from '../../support/gateway.js';

let redis: RedisServerHandle;
let gw: Gateway;

beforeAll(async () => {
  redis = await startRedisServer();
  gw = await testGateway({ redisUrl: redis.url });
});
afterAll(async () => {
  await gw.close();
  await redis.stop();
});

describe('Redis outage', () => {
  it('answers 503 with the error envelope and fails readiness, then keeps serving', async () => {
    const put = await gw.server.inject({ method: 'PUT', url: '/v1/apps/shop/devices/d1', headers: auth(DEVICES_KEY), payload: { platform: 'android', tokens: { fcm: 'f1' } } });
    expect(put.statusCode).toBe(201);
    expect((await gw.server.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ok', store: 'redis' });

    await redis.stop();

    const send = await gw.server.inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(SEND_KEY), payload: { to: { deviceIds: ['d1'] }, body: 'x' } });
    expect(send.statusCode).toBe(503);
    expect(send.json().error.code).toBe('store_unavailable');
    expect(send.headers['retry-after']).toBe('1');
    const ready = await gw.server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().status).toBe('unavailable');
    const get = await gw.server.inject({ method: 'GET', url: '/v1/apps/shop/devices/d1', headers: auth(DEVICES_KEY) });
    expect(get.statusCode).toBe(503);
    expect((await gw.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
