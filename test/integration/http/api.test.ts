/**
 * Every route through app.inject(): the contract, auth, and bad input answered with a 4xx JSON error.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway.js';
import { ADMIN_KEY, auth, DEVICES_KEY, eventually, OTHER_APP_KEY, SEND_KEY, testGateway } from '../../support/gateway.js';

let gw: Gateway;
const invalidTokens: string[] = [];

beforeAll(async () => {
  gw = await testGateway({ onInvalidToken: (e) => invalidTokens.push(`${e.provider}:${e.deviceId}`) });
});
afterAll(() => gw.close());

const inject = (opts: InjectOptions) => gw.server.inject(opts);
const json = { 'content-type': 'application/json' };

async function register(id: string, body: Record<string, unknown>) {
  const res = await inject({ method: 'PUT', url: `/v1/apps/shop/devices/${id}`, headers: auth(DEVICES_KEY), payload: body });
  expect([200, 201]).toContain(res.statusCode);
  return res.json();
}

async function send(body: Record<string, unknown>, key = SEND_KEY) {
  return inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: auth(key), payload: body });
}

async function finalStatus(id: string) {
  return eventually(async () => {
    const res = await inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}`, headers: auth(SEND_KEY) });
    const body = res.json();
    return ['queued', 'sending'].includes(body.status) ? undefined : body;
  });
}

function expectError(res: { statusCode: number; json(): any }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = res.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
}

describe('devices', () => {
  it('registers (201), re-registers keeping the key (200), reads and deletes', async () => {
    const first = await inject({ method: 'PUT', url: '/v1/apps/shop/devices/dev-a', headers: auth(DEVICES_KEY),
      payload: { platform: 'android', brand: 'Xiaomi', model: 'Redmi Note 12', userId: 'u-1', phone: '+4915112345678', tokens: { fcm: 'f-a', xiaomi: 'x-a' } } });
    expect(first.statusCode).toBe(201);
    const registered = first.json();
    expect(registered.deviceKey).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(registered).toMatchObject({ deviceId: 'dev-a', brand: 'xiaomi', model: 'redmi note 12', channels: ['fcm', 'xiaomi'] });

    const again = await inject({ method: 'PUT', url: '/v1/apps/shop/devices/dev-a', headers: auth(DEVICES_KEY), payload: { platform: 'android', brand: 'xiaomi', tokens: { xiaomi: 'x-a2' } } });
    expect(again.statusCode).toBe(200);
    expect(again.json().deviceKey).toBe(registered.deviceKey);

    const read = await inject({ method: 'GET', url: '/v1/apps/shop/devices/dev-a', headers: auth(DEVICES_KEY) });
    expect(read.statusCode).toBe(200);
    expect(read.json().deviceKey).toBeUndefined();
    expect(read.json().channels).toEqual(['xiaomi']);

    expect((await inject({ method: 'DELETE', url: '/v1/apps/shop/devices/dev-a', headers: auth(DEVICES_KEY) })).statusCode).toBe(204);
    expectError(await inject({ method: 'GET', url: '/v1/apps/shop/devices/dev-a', headers: auth(DEVICES_KEY) }), 404, 'device_not_found');
    expectError(await inject({ method: 'DELETE', url: '/v1/apps/shop/devices/dev-a', headers: auth(DEVICES_KEY) }), 404, 'device_not_found');
  });

  it('refuses bad registrations with 400', async () => {
    const put = (payload: unknown) => inject({ method: 'PUT', url: '/v1/apps/shop/devices/dev-bad', headers: auth(DEVICES_KEY), payload: payload as object });
    expectError(await put({ platform: 'symbian' }), 400, 'invalid_request');
    expectError(await put({ brand: 'x' }), 400, 'invalid_request');
    expectError(await put({ platform: 'ios', tokens: { pager: 'x' } }), 400, 'invalid_request');
    expectError(await put({ platform: 'ios', phone: '0151 123' }), 400, 'invalid_request');
    expectError(await put({ platform: 'ios', extra: true }), 400, 'invalid_request');
    expectError(await inject({ method: 'PUT', url: '/v1/apps/shop/devices/bad%20id', headers: auth(DEVICES_KEY), payload: { platform: 'ios' } }), 400, 'invalid_request');
  });
});

describe('auth', () => {
  it('answers 401 without a valid key, 403 for another app or a missing scope, 404 for an unknown app', async () => {
    const url = '/v1/apps/shop/devices/dev-auth';
    expectError(await inject({ method: 'GET', url }), 401, 'unauthorized');
    expectError(await inject({ method: 'GET', url, headers: auth('wrong-key-0123456789abcdef') }), 401, 'unauthorized');
    expectError(await inject({ method: 'GET', url, headers: { authorization: 'Basic abc' } }), 401, 'unauthorized');
    expectError(await inject({ method: 'GET', url, headers: auth(OTHER_APP_KEY) }), 403, 'forbidden');
    expectError(await inject({ method: 'GET', url, headers: auth(SEND_KEY) }), 403, 'forbidden');
    expectError(await inject({ method: 'GET', url: '/v1/apps/nope/devices/x', headers: auth(SEND_KEY) }), 404, 'app_not_found');
    expectError(await send({ to: { deviceIds: ['x'] }, title: 't' }, DEVICES_KEY), 403, 'forbidden');
    // admin implies every scope
    expectError(await inject({ method: 'GET', url, headers: auth(ADMIN_KEY) }), 404, 'device_not_found');
  });
});

describe('notifications', () => {
  beforeAll(async () => {
    await register('mi-1', { platform: 'android', brand: 'xiaomi', model: 'mi 11', userId: 'alice', tokens: { fcm: 'f-mi1', xiaomi: 'x-mi1' } });
    await register('px-1', { platform: 'android', brand: 'google', model: 'pixel 8', userId: 'alice', tokens: { fcm: 'f-px1' } });
    await register('ip-1', { platform: 'ios', brand: 'apple', model: 'iphone15,2', userId: 'bob', tokens: { apns: 'a-ip1' } });
    await register('dead-1', { platform: 'android', brand: 'xiaomi', tokens: { xiaomi: 'invalid-x', fcm: 'f-dead1' } });
  });

  it('accepts with 202, delivers through the planned channel and shows the timeline', async () => {
    const res = await send({ to: { userIds: ['alice'], deviceIds: ['ip-1'] }, title: 'Order shipped', body: 'Your parcel is on its way', data: { orderId: '42' }, priority: 'high' });
    expect(res.statusCode).toBe(202);
    const { id, recipients } = res.json();
    expect(recipients).toBe(3);
    const status = await finalStatus(id);
    expect(status.status).toBe('sent');
    expect(status.counts).toMatchObject({ sent: 3, queued: 0, failed: 0 });
    const byDevice = Object.fromEntries(status.devices.map((d: any) => [d.deviceId, d]));
    expect(byDevice['mi-1'].channel).toBe('xiaomi'); // the rule prefers the maker's channel
    expect(byDevice['px-1'].channel).toBe('fcm');
    expect(byDevice['ip-1'].channel).toBe('apns');
    const attempt = byDevice['mi-1'].events.find((e: any) => e.type === 'attempt');
    expect(attempt).toMatchObject({ channel: 'xiaomi', outcome: 'accepted' });
    expect(attempt.providerMessageId).toBeTruthy();
    expect(byDevice['mi-1'].events.at(-1)).toMatchObject({ type: 'state', status: 'sent' });
  });

  it('drops an invalid token, reports it, and falls back to the next channel', async () => {
    const res = await send({ to: { deviceIds: ['dead-1'] }, body: 'hello' });
    const status = await finalStatus(res.json().id);
    const device = status.devices[0];
    expect(device.channel).toBe('fcm');
    expect(device.events.filter((e: any) => e.type === 'attempt').map((e: any) => `${e.channel}:${e.outcome}`)).toEqual(['xiaomi:invalid-token', 'fcm:accepted']);
    expect((await gw.stores.devices.get('shop', 'dead-1'))?.tokens).toEqual({ fcm: 'f-dead1' });
    expect(invalidTokens).toContain('xiaomi:dead-1');
    const metrics = (await inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/pushmux_invalid_tokens_total\{app="shop",provider="xiaomi"\} 1/);
  });

  it('honours channel filters and fails a delivery with no eligible channel', async () => {
    const res = await send({ to: { deviceIds: ['px-1'] }, body: 'x', channels: { deny: ['fcm'] } });
    const status = await finalStatus(res.json().id);
    expect(status.status).toBe('failed');
    expect(status.devices[0].events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'skip', channel: 'fcm', reason: 'in channels.deny' })]));
  });

  it('returns the first answer for a repeated idempotency key', async () => {
    const body = { to: { deviceIds: ['px-1'] }, body: 'once', idempotencyKey: 'order-42-shipped' };
    const first = (await send(body)).json();
    const second = await send(body);
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ id: first.id, duplicate: true, recipients: 1 });
  });

  it('accepts known recipients and lists unknown ones; all unknown is 404', async () => {
    const partial = await send({ to: { deviceIds: ['px-1', 'ghost'] }, body: 'x' });
    expect(partial.statusCode).toBe(202);
    expect(partial.json()).toMatchObject({ recipients: 1, unknownDeviceIds: ['ghost'] });
    expectError(await send({ to: { deviceIds: ['ghost'] }, body: 'x' }), 404, 'device_not_found');
    expectError(await send({ to: { userIds: ['nobody'] }, body: 'x' }), 422, 'unprocessable');
  });

  it('refuses bad input with a 4xx JSON error', async () => {
    const post = (payload: string, headers: Record<string, string> = json) =>
      inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: { ...auth(SEND_KEY), ...headers }, payload });
    expectError(await post('{"to": '), 400, 'malformed_json');
    expectError(await post(JSON.stringify({ to: { deviceIds: 'px-1' }, body: 'x' })), 400, 'invalid_request');
    expectError(await post(JSON.stringify({ body: 'x' })), 400, 'invalid_request');
    expectError(await post(JSON.stringify({ to: {}, body: 'x' })), 400, 'invalid_request');
    expectError(await post(JSON.stringify({ to: { deviceIds: ['px-1'] } })), 400, 'invalid_request');
    expectError(await post(JSON.stringify({ to: { deviceIds: ['px-1'] }, body: 'x', priority: 'urgent' })), 400, 'invalid_request');
    expectError(await post(JSON.stringify({ to: { deviceIds: ['px-1'] }, body: 'x', data: { n: 1 } })), 400, 'invalid_request');
    expectError(await post(JSON.stringify({ to: { deviceIds: ['px-1'] }, body: 'x', ttlSeconds: -1 })), 400, 'invalid_request');
    expectError(await post('title=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    // Over the server's body limit (64 KiB in the test config).
    expectError(await post(JSON.stringify({ to: { deviceIds: ['px-1'] }, data: { blob: 'x'.repeat(70_000) } })), 413, 'body_too_large');
    // Under the body limit but over every channel's 4 KiB payload limit.
    const tooBig = await post(JSON.stringify({ to: { deviceIds: ['px-1'] }, body: 'x', data: { blob: 'x'.repeat(5_000) } }));
    expectError(tooBig, 413, 'payload_too_large');
    expect(tooBig.json().error.details.fcm).toMatchObject({ limit: 4096 });
  });

  it('answers 404 for an unknown notification and for unknown routes', async () => {
    expectError(await inject({ method: 'GET', url: '/v1/apps/shop/notifications/nope', headers: auth(SEND_KEY) }), 404, 'notification_not_found');
    expectError(await inject({ method: 'GET', url: '/v2/whatever' }), 404, 'route_not_found');
  });

  it('accepts a batch with per-item results and refuses more than 1,000', async () => {
    const res = await inject({ method: 'POST', url: '/v1/apps/shop/notifications/batch', headers: auth(SEND_KEY), payload: {
      notifications: [
        { to: { deviceIds: ['px-1'] }, body: 'one' },
        { to: { deviceIds: ['ghost'] }, body: 'two' },
        { to: { userIds: ['bob'] }, title: 'three' },
      ],
    } });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.results[1].error.code).toBe('device_not_found');
    expect(body.results[2].recipients).toBe(1);
    const tooMany = { notifications: Array.from({ length: 1001 }, () => ({ to: { deviceIds: ['px-1'] }, body: 'x' })) };
    expectError(await inject({ method: 'POST', url: '/v1/apps/shop/notifications/batch', headers: auth(SEND_KEY), payload: tooMany }), 400, 'invalid_request');
  });

  it('pages a large timeline', async () => {
    const res = await send({ to: { deviceIds: ['px-1', 'mi-1', 'ip-1'] }, body: 'paged' });
    const id = res.json().id;
    await finalStatus(id);
    const page = (await inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}?limit=2`, headers: auth(SEND_KEY) })).json();
    expect(page.devices.map((d: any) => d.deviceId)).toEqual(['px-1', 'mi-1']);
    expect(page.nextCursor).toBe(2);
    const rest = (await inject({ method: 'GET', url: `/v1/apps/shop/notifications/${id}?cursor=2&limit=2`, headers: auth(SEND_KEY) })).json();
    expect(rest.devices.map((d: any) => d.deviceId)).toEqual(['ip-1']);
    expect(rest.nextCursor).toBeUndefined();
  });
});

describe('ops', () => {
  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ok', store: 'memory' });
    const metrics = (await inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of ['pushmux_notifications_accepted_total', 'pushmux_provider_attempts_total', 'pushmux_provider_send_duration_seconds_bucket',
      'pushmux_queue_depth', 'pushmux_queue_oldest_job_age_seconds', 'pushmux_http_request_duration_seconds_bucket', 'pushmux_deliveries_total']) {
      expect(metrics).toContain(name);
    }
    // Route templates only: never a device or notification id in a label.
    for (const id of ['mi-1', 'px-1', 'ip-1', 'dead-1']) expect(metrics).not.toContain(id);
    // Every answer is observed under its route's template, refusals and unknown routes included.
    const count = async (labels: string) => Number(new RegExp(`^pushmux_http_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm')
      .exec((await inject({ method: 'GET', url: '/metrics' })).body)?.[1] ?? 0);
    const refused = 'method="POST",route="/v1/apps/:app/notifications",status_code="401"';
    const malformed = 'method="POST",route="/v1/apps/:app/notifications",status_code="400"';
    const unmatched = 'method="GET",route="unmatched",status_code="404"';
    const before = [await count(refused), await count(malformed), await count(unmatched)];
    await inject({ method: 'POST', url: '/v1/apps/shop/notifications', payload: { to: { deviceIds: ['mi-1'] }, title: 't' } });
    await inject({ method: 'POST', url: '/v1/apps/shop/notifications', headers: { ...auth(SEND_KEY), 'content-type': 'application/json' }, payload: '{"to":' });
    await inject({ method: 'GET', url: '/v1/no/such/route/mi-1' });
    expect([await count(refused), await count(malformed), await count(unmatched)]).toEqual(before.map((n) => n + 1));
    const doc = (await inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/v1/apps/{app}/devices/{deviceId}', '/v1/apps/{app}/notifications', '/v1/apps/{app}/notifications/batch', '/v1/apps/{app}/notifications/{id}',
    ]));
    expect((await inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
  });
});
