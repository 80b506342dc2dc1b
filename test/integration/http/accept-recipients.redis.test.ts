/**
 * The accept script on Redis, through the API: registered recipients are kept in order and unknown ones
 * reported, across SMISMEMBER slices of 1,000; one recipient and all-registered lists take the short
 * path; an idempotency key answers the first result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway.js';
import type { DeviceRecord } from '../../../src/store/records.js';
import { auth, SEND_KEY, testGateway } from '../../support/gateway.js';
import { deleteKeys, newRedisClient, redisUrl, testPrefix } from '../../support/redis.js';

const prefix = testPrefix();
let gw: Gateway;

const device = (id: string): DeviceRecord => ({ id, platform: 'android', tokens: { fcm: `fcm-${id}` }, key: 'k'.repeat(32), createdAt: 1, updatedAt: 1 });
const send = (payload: object) => gw.server.inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(SEND_KEY), payload });

beforeAll(async () => {
  gw = await testGateway({ redisUrl: redisUrl(), keyPrefix: prefix, worker: false });
});
afterAll(async () => {
  await gw.close();
  const client = newRedisClient();
  await deleteKeys(client, prefix);
  await client.quit();
});

describe('accept on Redis', () => {
  it('keeps registered recipients in order and lists unknown ones across slices of 1,000', async () => {
    const ids = Array.from({ length: 2_600 }, (_, i) => `mix-${i}`);
    // Every 7th id is not registered, so unknown ones fall into each of the three slices.
    const registered = ids.filter((_, i) => i % 7 !== 0);
    await Promise.all(registered.map((id) => gw.stores.devices.put('shop', device(id))));
    const res = await send({ to: { deviceIds: ids }, body: 'mixed' });
    expect(res.statusCode).toBe(202);
    const answer = res.json();
    expect(answer.recipients).toBe(registered.length);
    expect(answer.unknownDeviceIds).toEqual(ids.filter((_, i) => i % 7 === 0));
    const stored = await gw.stores.notifications.get('shop', answer.id);
    expect(stored?.deviceIds).toEqual(registered);
    const status = await gw.server.inject({ method: 'GET', url: `/v1/apps/shop/notifications/${answer.id}?limit=1000`, headers: auth(SEND_KEY) });
    expect(status.json()).toMatchObject({ recipients: registered.length, status: 'queued' });
  });

  it('stores a single registered recipient, refuses a single unknown one, and honours an idempotency key', async () => {
    await gw.stores.devices.put('shop', device('solo'));
    const first = await send({ to: { deviceIds: ['solo'] }, title: 't', idempotencyKey: 'once' });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ id: expect.any(String), recipients: 1 });
    expect((await gw.stores.notifications.get('shop', first.json().id))?.deviceIds).toEqual(['solo']);
    const again = await send({ to: { deviceIds: ['solo'] }, title: 't', idempotencyKey: 'once' });
    expect(again.json()).toEqual({ id: first.json().id, recipients: 1, duplicate: true });
    const ghost = await send({ to: { deviceIds: ['ghost'] }, title: 't' });
    expect(ghost.statusCode).toBe(404);
    expect(ghost.json().error).toMatchObject({ code: 'device_not_found', details: { unknownDeviceIds: ['ghost'] } });
  });
});
