/**
 * The store contract: every Stores implementation must pass these. Memory and Redis each run it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Stores } from '../../../src/store/ports.js';
import type { DeviceRecord, NotificationRecord } from '../../../src/store/records.js';

export interface StoreFixture {
  stores: Stores;
  app: string;
}

function device(id: string, extra: Partial<DeviceRecord> = {}): DeviceRecord {
  return { id, platform: 'android', brand: 'xiaomi', model: 'mi-11', tokens: { fcm: `fcm-${id}`, xiaomi: `mi-${id}` }, key: 'k'.repeat(32), createdAt: 1, updatedAt: 1, ...extra };
}

function notification(app: string, deviceIds: string[], extra: Partial<NotificationRecord> = {}): NotificationRecord {
  return { id: randomUUID(), app, deviceIds, title: 'T', body: 'B', data: { k: 'v' }, priority: 'high', ttlSeconds: 60, createdAt: Date.now(), expiresAt: Date.now() + 60_000, ...extra };
}

const options = (devicesPerJob: number) => ({ devicesPerJob, idempotencyTtlSeconds: 60, retentionSeconds: 600 });

async function registerAll(stores: Stores, app: string, ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => stores.devices.put(app, device(id))));
}

export function storeContract(name: string, setup: () => Promise<StoreFixture>, teardown: (f: StoreFixture) => Promise<void>): void {
  describe(`${name} store contract`, () => {
    const run = (title: string, body: (f: StoreFixture) => Promise<void>) =>
      it(title, async () => {
        const fixture = await setup();
        try {
          await body(fixture);
        } finally {
          await teardown(fixture);
        }
      });

    run('puts, reads, lists by user and deletes devices', async ({ stores, app }) => {
      await stores.devices.put(app, device('d1', { userId: 'u1' }));
      await stores.devices.put(app, device('d2', { userId: 'u1' }));
      expect((await stores.devices.get(app, 'd1'))?.tokens.fcm).toBe('fcm-d1');
      expect((await stores.devices.idsByUser(app, 'u1')).sort()).toEqual(['d1', 'd2']);
      expect(await stores.devices.exist(app, ['d1', 'nope', 'd2'])).toEqual([true, false, true]);
      expect((await stores.devices.getMany(app, ['d2', 'nope'])).map((d) => d?.id)).toEqual(['d2', undefined]);
      // Moving a device to another user leaves the old user's set.
      await stores.devices.put(app, device('d2', { userId: 'u2' }));
      expect(await stores.devices.idsByUser(app, 'u1')).toEqual(['d1']);
      expect(await stores.devices.delete(app, 'd1')).toBe(true);
      expect(await stores.devices.delete(app, 'd1')).toBe(false);
      expect(await stores.devices.get(app, 'd1')).toBeUndefined();
      expect(await stores.devices.idsByUser(app, 'u1')).toEqual([]);
      expect(await stores.devices.get('other-app', 'd2')).toBeUndefined();
    });

    run('removes a token only while it is still current', async ({ stores, app }) => {
      await stores.devices.put(app, device('d1'));
      expect(await stores.devices.removeToken(app, 'd1', 'fcm', 'stale')).toBe(false);
      expect(await stores.devices.removeToken(app, 'd1', 'fcm', 'fcm-d1')).toBe(true);
      const after = await stores.devices.get(app, 'd1');
      expect(after?.tokens).toEqual({ xiaomi: 'mi-d1' });
      expect(await stores.devices.removeToken(app, 'd1', 'xiaomi', 'mi-d1')).toBe(true);
      expect((await stores.devices.get(app, 'd1'))?.tokens).toEqual({});
    });

    run('accepts a notification with its jobs, keeps registered recipients, and honours idempotency keys', async ({ stores, app }) => {
      await registerAll(stores, app, ['a', 'b', 'c']);
      const n = notification(app, ['a', 'ghost', 'b', 'c'], { idempotencyKey: 'k1', title: 'first' });
      expect(await stores.notifications.accept(n, options(2))).toEqual({ status: 'stored', id: n.id, recipients: 3, unknown: ['ghost'] });
      const again = notification(app, ['a'], { idempotencyKey: 'k1' });
      expect(await stores.notifications.accept(again, options(2))).toEqual({ status: 'duplicate', id: n.id, recipients: 3 });
      expect(await stores.notifications.get(app, again.id)).toBeUndefined();
      const stored = await stores.notifications.get(app, n.id);
      expect(stored?.deviceIds).toEqual(['a', 'b', 'c']);
      expect(stored).toMatchObject({ id: n.id, app, title: 'first', data: { k: 'v' }, priority: 'high', idempotencyKey: 'k1' });
      const jobs = await stores.queue.take(app, 'w1', 10, 10);
      expect(jobs.map((j) => j.deviceIds)).toEqual([['a', 'b'], ['c']]);
      expect(jobs.every((j) => j.notificationId === n.id && j.app === app && j.deliveries === 1)).toBe(true);
      expect((await stores.queue.stats(app)).depth).toBe(2);
    });

    run('accepts many at once (one call where the store groups them), each with its own answer, in order', async ({ stores, app }) => {
      await registerAll(stores, app, ['a', 'b']);
      const first = notification(app, ['a', 'ghost'], { idempotencyKey: 'same' });
      const twin = notification(app, ['b'], { idempotencyKey: 'same' });
      const nobody = notification(app, ['ghost']);
      const plenty = Array.from({ length: 150 }, () => notification(app, ['a', 'b']));
      const answers = await Promise.all([first, twin, nobody, ...plenty].map((n) => stores.notifications.accept(n, options(1))));
      expect(answers[0]).toEqual({ status: 'stored', id: first.id, recipients: 1, unknown: ['ghost'] });
      // The second use of a key in the same turn answers what the first stored.
      expect(answers[1]).toEqual({ status: 'duplicate', id: first.id, recipients: 1 });
      expect(answers[2]).toEqual({ status: 'no-recipients', unknown: ['ghost'] });
      expect(answers.slice(3)).toEqual(plenty.map((n) => ({ status: 'stored', id: n.id, recipients: 2, unknown: [] })));
      expect((await stores.notifications.get(app, plenty[149]!.id))?.deviceIds).toEqual(['a', 'b']);
      expect(await stores.notifications.get(app, twin.id)).toBeUndefined();
      expect((await stores.queue.stats(app)).depth).toBe(1 + 150 * 2);
    });

    run('stores nothing when no candidate is registered', async ({ stores, app }) => {
      const n = notification(app, ['nobody', 'none'], { idempotencyKey: 'k2' });
      expect(await stores.notifications.accept(n, options(10))).toEqual({ status: 'no-recipients', unknown: ['nobody', 'none'] });
      expect(await stores.notifications.get(app, n.id)).toBeUndefined();
      expect((await stores.queue.stats(app)).depth).toBe(0);
      // The key was not spent on the refused request.
      await registerAll(stores, app, ['nobody']);
      expect((await stores.notifications.accept(notification(app, ['nobody'], { idempotencyKey: 'k2' }), options(10))).status).toBe('stored');
    });

    run('fans a large recipient list out into jobs', async ({ stores, app }) => {
      const ids = Array.from({ length: 2_500 }, (_, i) => `bulk-${i}`);
      await registerAll(stores, app, ids);
      const result = await stores.notifications.accept(notification(app, ids), options(1_000));
      expect(result).toMatchObject({ status: 'stored', recipients: 2_500, unknown: [] });
      const jobs = await stores.queue.take(app, 'w1', 10, 10);
      expect(jobs.map((j) => j.deviceIds.length)).toEqual([1_000, 1_000, 500]);
      expect(jobs.flatMap((j) => j.deviceIds)).toEqual(ids);
    });

    run('keeps delivery states per device', async ({ stores, app }) => {
      await registerAll(stores, app, ['a', 'b']);
      const n = notification(app, ['a', 'b']);
      await stores.notifications.accept(n, options(10));
      const first = { deviceId: 'a', status: 'sent' as const, channel: 'fcm', version: 1, attempted: ['fcm'], step: 1, events: [{ at: 1, type: 'attempt' as const, channel: 'fcm', outcome: 'accepted' }], updatedAt: 1 };
      expect(await stores.notifications.putDelivery(app, n.id, first)).toBe(true);
      expect((await stores.notifications.getDelivery(app, n.id, 'a'))?.status).toBe('sent');
      // Compare-and-set: a writer holding a stale version loses.
      expect(await stores.notifications.putDelivery(app, n.id, { ...first, status: 'failed' })).toBe(false);
      expect(await stores.notifications.putDelivery(app, n.id, { ...first, version: 2, status: 'delivered' })).toBe(true);
      expect(await stores.notifications.putDelivery(app, n.id, { ...first, version: 2, status: 'failed' })).toBe(false);
      expect((await stores.notifications.getDelivery(app, n.id, 'a'))).toMatchObject({ status: 'delivered', version: 2 });
      expect(await stores.notifications.getDelivery(app, n.id, 'b')).toBeUndefined();
      const all = await stores.notifications.getDeliveries(app, n.id);
      expect([...all.keys()]).toEqual(['a']);
      expect(all.get('a')?.events[0]?.outcome).toBe('accepted');
    });

    run('schedules a step deadline with its intent, and only when the write wins', async ({ stores, app }) => {
      await registerAll(stores, app, ['a']);
      const n = notification(app, ['a']);
      await stores.notifications.accept(n, options(10));
      const intent = { deviceId: 'a', status: 'sending' as const, channel: 'fcm', version: 1, attempted: ['fcm'], step: 1, events: [], updatedAt: 1 };
      expect(await stores.notifications.putDelivery(app, n.id, intent, { member: `${n.id}|a|1`, dueAt: 1_000 })).toBe(true);
      expect(await stores.deadlines.pending(app)).toBe(1);
      // A writer that lost the compare-and-set leaves no deadline behind.
      expect(await stores.notifications.putDelivery(app, n.id, { ...intent, step: 2 }, { member: `${n.id}|a|2`, dueAt: 1_000 })).toBe(false);
      expect(await stores.deadlines.pending(app)).toBe(1);
      expect(await stores.deadlines.claimDue(app, 1_000, 5_000, 10)).toEqual([`${n.id}|a|1`]);
      expect((await stores.notifications.getDelivery(app, n.id, 'a'))?.status).toBe('sending');
    });

    run('writes an ack and takes its deadline out in one step: on time only while the deadline is pending', async ({ stores, app }) => {
      await registerAll(stores, app, ['a', 'b', 'c']);
      const n = notification(app, ['a', 'b', 'c']);
      await stores.notifications.accept(n, options(10));
      const sent = (deviceId: string) => ({ deviceId, status: 'sent' as const, channel: 'fcm', version: 1, attempted: ['fcm'], step: 1, events: [], updatedAt: 1 });
      const acked = (deviceId: string, late: boolean) => ({ ...sent(deviceId), status: 'delivered' as const, version: 2, events: [{ at: 2, type: 'ack' as const, channel: 'fcm', ...(late ? { late: true } : {}) }] });
      const member = (deviceId: string) => `${n.id}|${deviceId}|1`;
      for (const deviceId of ['a', 'b', 'c']) {
        expect(await stores.notifications.putDelivery(app, n.id, sent(deviceId), { member: member(deviceId), dueAt: 1_000 })).toBe(true);
      }

      // a: the deadline is still pending: on time, and the deadline is gone.
      expect(await stores.notifications.ackDelivery(app, n.id, { onTime: acked('a', false), late: acked('a', true) }, { member: member('a'), onTime: true })).toBe('on-time');
      expect((await stores.notifications.getDelivery(app, n.id, 'a'))?.events[0]?.late).toBeUndefined();
      expect(await stores.deadlines.cancel(app, member('a'))).toBe(false);

      // b: an escalation claimed the deadline first: the late record is written.
      expect(await stores.deadlines.claimDue(app, 1_000, 5_000, 10)).toEqual(expect.arrayContaining([member('b')]));
      expect(await stores.notifications.ackDelivery(app, n.id, { onTime: acked('b', false), late: acked('b', true) }, { member: member('b'), onTime: true })).toBe('late');
      expect((await stores.notifications.getDelivery(app, n.id, 'b'))).toMatchObject({ status: 'delivered', version: 2, events: [{ late: true }] });

      // c: a stale version loses and changes nothing, its deadline included; an ack on another
      // channel than the awaited one is late but still takes the deadline out.
      await stores.deadlines.schedule(app, member('c'), 9_000);
      const stale = { ...acked('c', false), version: 3 };
      expect(await stores.notifications.ackDelivery(app, n.id, { onTime: stale, late: stale }, { member: member('c'), onTime: true })).toBe('conflict');
      expect((await stores.notifications.getDelivery(app, n.id, 'c'))?.status).toBe('sent');
      expect(await stores.deadlines.pending(app)).toBe(1);
      expect(await stores.notifications.ackDelivery(app, n.id, { onTime: acked('c', false), late: acked('c', true) }, { member: member('c'), onTime: false })).toBe('late');
      expect(await stores.deadlines.pending(app)).toBe(0);
    });

    run('hands each job to one consumer, acks, and reclaims jobs of a silent consumer', async ({ stores, app }) => {
      await registerAll(stores, app, ['a', 'b', 'c']);
      const n = notification(app, ['a', 'b', 'c']);
      await stores.notifications.accept(n, options(1));
      const first = await stores.queue.take(app, 'w1', 2, 10);
      const second = await stores.queue.take(app, 'w2', 5, 10);
      expect(first).toHaveLength(2);
      expect(second).toHaveLength(1);
      expect(new Set([...first, ...second].map((j) => j.id)).size).toBe(3);
      await stores.queue.ack(app, second[0]!.id);
      expect((await stores.queue.stats(app)).depth).toBe(2);
      // Nothing is idle long enough yet.
      expect(await stores.queue.reclaim(app, 'w2', 60_000, 10)).toEqual([]);
      await new Promise((r) => setTimeout(r, 60));
      await stores.queue.touch(app, 'w1', [first[0]!.id]);
      const reclaimed = await stores.queue.reclaim(app, 'w2', 50, 10);
      expect(reclaimed.map((j) => j.id)).toEqual([first[1]!.id]);
      expect(reclaimed[0]!.deliveries).toBeGreaterThan(1);
      expect(reclaimed[0]!.deviceIds).toEqual(first[1]!.deviceIds);
      for (const job of [...first, ...reclaimed]) await stores.queue.ack(app, job.id);
      expect(await stores.queue.stats(app)).toEqual({ depth: 0, oldestAgeMs: 0 });
    });

    run('reports queue depth and the age of the oldest job', async ({ stores, app }) => {
      expect(await stores.queue.stats(app)).toEqual({ depth: 0, oldestAgeMs: 0 });
      await registerAll(stores, app, ['a']);
      await stores.notifications.accept(notification(app, ['a']), options(10));
      await new Promise((r) => setTimeout(r, 30));
      const stats = await stores.queue.stats(app);
      expect(stats.depth).toBe(1);
      expect(stats.oldestAgeMs).toBeGreaterThanOrEqual(20);
    });

    run('claims each due deadline once, under a lease that returns it when it runs out', async ({ stores, app }) => {
      const d = stores.deadlines;
      await d.schedule(app, 'n1|a|1', 1_000);
      await d.schedule(app, 'n1|b|1', 2_000);
      await d.schedule(app, 'n2|a|1', 5_000);
      expect(await d.pending(app)).toBe(3);
      expect(await d.claimDue(app, 500, 10_500, 10)).toEqual([]);
      expect(await d.claimDue(app, 2_000, 12_000, 10)).toEqual(['n1|a|1', 'n1|b|1']);
      // Claimed ones are no longer pending: a second claimant gets nothing, a cancel says "too late".
      expect(await d.claimDue(app, 2_500, 12_500, 10)).toEqual([]);
      expect(await d.cancel(app, 'n1|a|1')).toBe(false);
      expect(await d.cancel(app, 'n2|a|1')).toBe(true);
      await d.release(app, 'n1|a|1');
      // n1|b|1 was never released: once its lease ends it is due again.
      expect(await d.claimDue(app, 12_000, 20_000, 10)).toEqual(['n1|b|1']);
      await d.release(app, 'n1|b|1');
      expect(await d.claimDue(app, 30_000, 40_000, 10)).toEqual([]);
      expect(await d.pending(app)).toBe(0);
    });

    run('a rescheduled or cancelled deadline falls due at its latest time, once', async ({ stores, app }) => {
      const d = stores.deadlines;
      await d.schedule(app, 'n|a|1', 1_000);
      await d.schedule(app, 'n|a|1', 3_000);
      expect(await d.claimDue(app, 2_000, 10_000, 10)).toEqual([]);
      await d.schedule(app, 'n|b|1', 1_000);
      await d.cancel(app, 'n|b|1');
      await d.schedule(app, 'n|b|1', 2_500);
      await d.schedule(app, 'n|c|1', 2_800);
      await d.schedule(app, 'n|c|1', 2_800);
      expect(await d.claimDue(app, 3_000, 10_000, 10)).toEqual(['n|b|1', 'n|c|1', 'n|a|1']);
      expect(await d.claimDue(app, 3_000, 10_000, 10)).toEqual([]);
      expect(await d.pending(app)).toBe(0);
    });

    run('blocks a take until a job arrives, and returns empty when none does', async ({ stores, app }) => {
      await registerAll(stores, app, ['z']);
      expect(await stores.queue.take(app, 'w1', 1, 30)).toEqual([]);
      const pending = stores.queue.take(app, 'w1', 1, 2_000);
      await new Promise((r) => setTimeout(r, 30));
      await stores.notifications.accept(notification(app, ['z']), options(10));
      expect((await pending).map((j) => j.deviceIds)).toEqual([['z']]);
    });
  });
}
