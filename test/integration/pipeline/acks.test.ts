/**
 * Ack-driven delivery end to end through the API, on memory and on Redis: acks end deliveries and
 * teach the outcome sink; deadlines escalate along the plan; late acks count as late successes;
 * forged, replayed and unknown acks change nothing.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/gateway.js';
import { signNotificationId } from '../../../src/http/device-signature.js';
import type { DeliveryOutcome, OutcomeSink } from '../../../src/pipeline/outcome-sink.js';
import type { DeviceClass } from '../../../src/pipeline/ranker.js';
import { auth, DEVICES_KEY, eventually, SEND_KEY, testConfigObject, testGateway } from '../../support/gateway.js';
import { deleteKeys, newRedisClient, redisUrl, testPrefix } from '../../support/redis.js';

class RecordingSink implements OutcomeSink {
  readonly outcomes: string[] = [];
  record(_app: string, cls: DeviceClass, channel: string, outcome: DeliveryOutcome): void {
    this.outcomes.push(`${cls.brand ?? '-'}:${channel}:${outcome.delivered ? 'ok' : 'fail'}`);
  }
}

function config() {
  const raw = testConfigObject({ pipeline: { reclaimIdleMs: 2_000, concurrency: 64, deadlineTickMs: 20 } });
  const apps = raw.apps as Record<string, Record<string, unknown>>;
  apps.shop!.defaults = { ackDeadlineMs: 300, highPriorityAckDeadlineMs: 150 };
  apps.shop!.rules = [
    { match: { platform: 'android', brand: 'xiaomi' }, prefer: ['xiaomi'] },
    { match: { brand: 'slowbrand' }, deadlineMs: 900 },
  ];
  apps.other!.acks = false;
  return raw;
}

for (const storeKind of ['memory', 'redis'] as const) {
  describe(`acks and deadlines (${storeKind})`, () => {
    let gw: Gateway;
    const sink = new RecordingSink();
    const prefix = testPrefix();
    const keys = new Map<string, string>();

    beforeAll(async () => {
      gw = await testGateway({ config: config(), outcomes: sink, ...(storeKind === 'redis' ? { redisUrl: redisUrl(), keyPrefix: prefix } : {}) });
      const devices: [string, string, Record<string, unknown>][] = [
        ['shop', 'mi-1', { platform: 'android', brand: 'xiaomi', model: 'mi 11', tokens: { xiaomi: 'x1', fcm: 'f1' } }],
        ['shop', 'mi-2', { platform: 'android', brand: 'xiaomi', model: 'mi 11', tokens: { xiaomi: 'x2', fcm: 'f2' } }],
        ['shop', 'mi-3', { platform: 'android', brand: 'xiaomi', model: 'mi 12', tokens: { xiaomi: 'x3', fcm: 'f3' } }],
        ['shop', 'px-1', { platform: 'android', brand: 'google', model: 'pixel 8', tokens: { fcm: 'f4' } }],
        ['shop', 'slow-1', { platform: 'android', brand: 'slowbrand', tokens: { fcm: 'f5' } }],
        ['other', 'o-1', { platform: 'android', brand: 'google', tokens: { fcm: 'f6' } }],
        ...Array.from({ length: 4 }, (_, i): [string, string, Record<string, unknown>] =>
          ['shop', `zte-${i}`, { platform: 'android', brand: 'zte', model: `axon ${i}`, tokens: { fcm: `zf${i}`, xiaomi: `zx${i}` } }]),
      ];
      for (const [app, id, body] of devices) {
        const key = app === 'shop' ? DEVICES_KEY : 'other-key-0123456789abcdef';
        const res = await gw.server.inject({ method: 'PUT', url: `/v1/apps/${app}/devices/${id}`, headers: auth(key), payload: body });
        keys.set(id, res.json().deviceKey);
      }
    });
    afterAll(async () => {
      await gw.close();
      if (storeKind === 'redis') {
        const client = newRedisClient();
        await deleteKeys(client, prefix);
        await client.quit();
      }
    });

    const inject = (opts: InjectOptions) => gw.server.inject(opts);
    const send = async (app: string, body: Record<string, unknown>) => {
      const key = app === 'shop' ? SEND_KEY : 'other-key-0123456789abcdef';
      const res = await inject({ method: 'POST', url: `/v1/apps/${app}/notifications`, headers: auth(key), payload: body });
      expect(res.statusCode).toBe(202);
      return res.json().id as string;
    };
    const ack = (app: string, id: string, deviceId: string, extra: Record<string, unknown> = {}) =>
      inject({ method: 'POST', url: `/v1/apps/${app}/acks`, payload: { notificationId: id, deviceId, signature: signNotificationId(keys.get(deviceId)!, id), ...extra } });
    const delivery = async (app: string, id: string, deviceId: string) => {
      const key = app === 'shop' ? SEND_KEY : 'other-key-0123456789abcdef';
      const body = (await inject({ method: 'GET', url: `/v1/apps/${app}/notifications/${id}`, headers: auth(key) })).json();
      return { overall: body.status as string, ...body.devices.find((d: { deviceId: string }) => d.deviceId === deviceId) };
    };
    const until = (app: string, id: string, deviceId: string, test: (d: any) => boolean, timeoutMs = 5_000) =>
      eventually(async () => {
        const d = await delivery(app, id, deviceId);
        return test(d) ? d : undefined;
      }, timeoutMs);

    it('ends a delivery on the ack, records the success once, and calls a replay a duplicate', async () => {
      const before = sink.outcomes.length;
      const id = await send('shop', { to: { deviceIds: ['mi-1'] }, body: 'hi' });
      await until('shop', id, 'mi-1', (d) => d.status === 'sent');
      const first = await ack('shop', id, 'mi-1');
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ result: 'delivered' });
      const d = await delivery('shop', id, 'mi-1');
      expect(d).toMatchObject({ status: 'delivered', channel: 'xiaomi', overall: 'delivered' });
      expect(d.events.find((e: any) => e.type === 'ack')).toMatchObject({ channel: 'xiaomi', source: 'device' });
      expect((await ack('shop', id, 'mi-1')).json()).toEqual({ result: 'duplicate' });
      expect(sink.outcomes.slice(before)).toEqual(['xiaomi:xiaomi:ok']);
      // No escalation after the ack, even once the deadline would have passed.
      await new Promise((r) => setTimeout(r, 400));
      expect((await delivery('shop', id, 'mi-1')).events.filter((e: any) => e.type === 'attempt')).toHaveLength(1);
    });

    it('escalates on a missed deadline, fails when the plan runs out, and takes a late ack as a late success', async () => {
      const before = sink.outcomes.length;
      const id = await send('shop', { to: { deviceIds: ['mi-2'] }, body: 'hi' });
      const failed = await until('shop', id, 'mi-2', (d) => d.status === 'failed');
      const kinds = failed.events.filter((e: any) => ['attempt', 'deadline'].includes(e.type)).map((e: any) => `${e.type}:${e.channel}`);
      expect(kinds).toEqual(['attempt:xiaomi', 'deadline:xiaomi', 'attempt:fcm', 'deadline:fcm']);
      expect(sink.outcomes.slice(before)).toEqual(['xiaomi:xiaomi:fail', 'xiaomi:fcm:fail']);
      // The device did get the MiPush copy after all.
      const late = await ack('shop', id, 'mi-2', { channel: 'xiaomi' });
      expect(late.json()).toEqual({ result: 'late' });
      const d = await delivery('shop', id, 'mi-2');
      expect(d).toMatchObject({ status: 'delivered', channel: 'xiaomi' });
      expect(d.events.find((e: any) => e.type === 'ack')).toMatchObject({ late: true, channel: 'xiaomi' });
      expect(sink.outcomes.slice(before)).toEqual(['xiaomi:xiaomi:fail', 'xiaomi:fcm:fail', 'xiaomi:xiaomi:ok']);
      const metrics = (await inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/pushmux_escalations_total\{app="shop",from="xiaomi",to="fcm"\} \d+/);
      expect(metrics).toMatch(/pushmux_deadlines_expired_total\{app="shop",provider="xiaomi"\} \d+/);
      expect(metrics).toMatch(/pushmux_acks_total\{app="shop",source="device",result="late"\} \d+/);
    });

    it('stops escalating when a late ack arrives for an earlier channel while a later step waits', async () => {
      const id = await send('shop', { to: { deviceIds: ['mi-3'] }, body: 'hi' });
      await until('shop', id, 'mi-3', (d) => d.status === 'sent' && d.channel === 'fcm');
      expect((await ack('shop', id, 'mi-3', { channel: 'xiaomi' })).json()).toEqual({ result: 'late' });
      await new Promise((r) => setTimeout(r, 500));
      const d = await delivery('shop', id, 'mi-3');
      expect(d.status).toBe('delivered');
      expect(d.events.filter((e: any) => e.type === 'deadline')).toHaveLength(1);
    });

    it('uses the notification deadline, then the device-type rule, then the priority default', async () => {
      const deadlineOf = async (deviceId: string, body: Record<string, unknown>) => {
        const id = await send('shop', { to: { deviceIds: [deviceId] }, body: 'x', ...body });
        const d = await until('shop', id, deviceId, (x) => x.events.some((e: any) => e.type === 'state' && e.status === 'sent'));
        return d.events.find((e: any) => e.type === 'state' && e.status === 'sent').deadlineMs as number;
      };
      expect(await deadlineOf('px-1', { ackDeadlineMs: 120 })).toBe(120);
      expect(await deadlineOf('slow-1', { priority: 'high' })).toBe(900);
      expect(await deadlineOf('px-1', { priority: 'high' })).toBe(150);
      expect(await deadlineOf('px-1', {})).toBe(300);
    });

    it('expires a delivery whose TTL passes while it waits for an ack', async () => {
      const id = await send('shop', { to: { deviceIds: ['px-1'] }, body: 'x', ttlSeconds: 1, ackDeadlineMs: 5_000 });
      const d = await until('shop', id, 'px-1', (x) => x.status === 'expired', 5_000);
      expect(d.overall).toBe('expired');
    });

    it('ends at acceptance for an app that cannot ack: no deadline, no copies', async () => {
      const id = await send('other', { to: { deviceIds: ['o-1'] }, body: 'x' });
      const d = await until('other', id, 'o-1', (x) => x.status === 'sent');
      await new Promise((r) => setTimeout(r, 100));
      expect((await delivery('other', id, 'o-1')).events.filter((e: any) => e.type === 'attempt')).toHaveLength(1);
      expect(d.overall).toBe('sent');
      expect(await gw.stores.deadlines.pending('other')).toBe(0);
    });

    it('moves the scores the way the acks say: a device class that only hears one channel', async () => {
      // zte devices (no routing rule) receive MiPush but never FCM; the simulated app acks what it gets.
      // Every other round denies MiPush, so FCM is tried for certain and its silence is learned too.
      for (let round = 0; round < 4; round++) {
        const channels = round % 2 === 1 ? { deny: ['xiaomi'] } : undefined;
        const ids = await Promise.all([0, 1, 2, 3].map((i) => send('shop', { to: { deviceIds: [`zte-${i}`] }, body: `r${round}`, ...(channels ? { channels } : {}) })));
        await Promise.all(ids.map(async (id, i) => {
          const deviceId = `zte-${i}`;
          const d = await until('shop', id, deviceId, (x) => x.status === 'failed' || (x.status === 'sent' && x.channel === 'xiaomi'), 5_000);
          if (d.status === 'sent') expect((await ack('shop', id, deviceId)).json().result).toBe('delivered');
        }));
      }
      await gw.scoring.flush();
      const res = await inject({ method: 'GET', url: '/v1/apps/shop/scores?brand=ZTE', headers: auth(SEND_KEY) });
      expect(res.statusCode).toBe(200);
      const rows = res.json().rows as { level: string; provider: string; estimate: number; samples: number }[];
      const brand = (provider: string) => rows.find((r) => r.level === 'brand' && r.provider === provider);
      expect(brand('xiaomi')!.samples).toBeGreaterThan(0);
      expect(brand('fcm')!.samples).toBeGreaterThan(0);
      expect(brand('xiaomi')!.estimate).toBeGreaterThan(brand('fcm')!.estimate);
      expect(rows.every((r) => r.level === 'platform' || (r as { brand?: string }).brand === 'zte')).toBe(true);
      expect((await inject({ method: 'GET', url: '/v1/apps/shop/scores', headers: auth(DEVICES_KEY) })).statusCode).toBe(403);
      const metrics = (await inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toMatch(/pushmux_scoring_outcomes_total\{app="shop",platform="android",brand="zte",provider="xiaomi",outcome="delivered"\} \d+/);
    });

    it('refuses forged, malformed and unknown acks without touching the scores', async () => {
      const before = sink.outcomes.length;
      const id = await send('shop', { to: { deviceIds: ['px-1'] }, body: 'x', ackDeadlineMs: 5_000 });
      await until('shop', id, 'px-1', (d) => d.status === 'sent');
      const post = (payload: Record<string, unknown>) => inject({ method: 'POST', url: '/v1/apps/shop/acks', payload });
      expect((await post({ notificationId: id, deviceId: 'px-1', signature: 'f'.repeat(64) })).statusCode).toBe(401);
      expect((await post({ notificationId: id, deviceId: 'px-1', signature: signNotificationId(keys.get('mi-1')!, id) })).statusCode).toBe(401);
      expect((await post({ notificationId: id, deviceId: 'nobody', signature: 'a'.repeat(64) })).statusCode).toBe(401);
      expect((await post({ notificationId: id, deviceId: 'px-1' })).statusCode).toBe(400);
      expect((await post({ notificationId: id, deviceId: 'px-1', signature: 'zz', extra: 1 })).statusCode).toBe(400);
      const unknown = await inject({ method: 'POST', url: '/v1/apps/shop/acks', payload: { notificationId: 'nope', deviceId: 'px-1', signature: signNotificationId(keys.get('px-1')!, 'nope') } });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('notification_not_found');
      // Signed by the right device but for a channel it was never sent on: ignored.
      expect((await ack('shop', id, 'px-1', { channel: 'apns' })).json()).toEqual({ result: 'ignored' });
      expect(sink.outcomes.length).toBe(before);
      expect((await delivery('shop', id, 'px-1')).status).toBe('sent');
    });
  });
}
