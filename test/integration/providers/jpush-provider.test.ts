import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  JPushProvider,
  JPushReceiptPoller,
  readJPushSettings,
  type JPushDelivery,
  type JPushInvalidToken,
} from '../../../providers/jpush/index.js';
import { createLiveProvider } from '../../../providers/live-providers.js';
import type { PushMessage, PushTarget } from '../../../providers/provider.js';
import { ConfigError } from '../../../src/errors/index.js';
import { JPUSH_STATUS, JPUSH_TEST_APP_KEY, JPUSH_TEST_MASTER_SECRET, JPushMock } from '../../mocks/jpush-mock.js';
import { orderMessage } from './fixtures.js';
import { expectTimeoutThenRecovery } from '../../support/provider-timeout-drill.js';

function message(overrides: Partial<PushMessage> = {}): PushMessage {
  return orderMessage({ collapseKey: 'orders', ...overrides });
}

function device(token: string, platform: PushTarget['platform'] = 'android', sandbox?: boolean): PushTarget {
  return { deviceId: `dev-${token}`, token, platform, ...(sandbox === undefined ? {} : { sandbox }) };
}

describe('JPush adapter against the JPush mock', () => {
  let mock: JPushMock;
  let provider: JPushProvider;

  function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      appKey: JPUSH_TEST_APP_KEY,
      masterSecret: JPUSH_TEST_MASTER_SECRET,
      endpoint: mock.url,
      reportEndpoint: mock.url,
      ca: mock.ca,
      // Generous, so an ordinary request to the mock does not time out on a loaded test machine; the timeout test builds its own impatient provider.
      timeoutMs: 5_000,
      ...extra,
    };
  }

  beforeAll(async () => {
    mock = await JPushMock.start();
    provider = new JPushProvider(readJPushSettings(options(), 'apps.shop.providers.jpush'), { appId: 'shop' });
  });

  afterEach(() => mock.reset());

  afterAll(async () => {
    await provider.close();
    await mock.stop();
  });

  it('pushes a batch in one request with basic auth, ttl, apns_production and the notification id', async () => {
    const outcomes = await provider.send(message(), [device('r1'), device('r2'), device('r3', 'ios')]);
    expect(mock.pushes).toHaveLength(1);
    const push = mock.pushes[0]!;
    expect(outcomes).toEqual(Array(3).fill({ kind: 'accepted', providerMessageId: push.msgId }));
    // An int64 beyond 2^53 survives unrounded.
    expect(push.msgId).toBe('18100417406720637');
    expect(push.registrationIds).toEqual(['r1', 'r2', 'r3']);
    expect(push.body.platform).toEqual(['android', 'ios']);
    expect(push.body.options).toMatchObject({ apns_production: true, apns_collapse_id: 'orders' });
    expect((push.body.options as { time_to_live: number }).time_to_live).toBeGreaterThan(3590);
    const notification = push.body.notification as { android: { extras: object }; ios: { extras: object } };
    expect(notification.android).toMatchObject({ title: '新订单', alert: 'You have a new order' });
    expect(notification.android.extras).toEqual({ orderId: '7', notificationId: 'notif-7' });
    expect(notification.ios.extras).toEqual({ orderId: '7', notificationId: 'notif-7' });
    expect(mock.requests[0]?.authorized).toBe(true);
  });

  it('sends a data-only message as a custom message', async () => {
    await provider.send(message({ title: undefined, body: undefined }), [device('r1')]);
    const body = mock.pushes[0]?.body;
    expect(body?.notification).toBeUndefined();
    expect(body?.message).toMatchObject({ extras: { orderId: '7', notificationId: 'notif-7' } });
  });

  it('splits iOS devices by environment', async () => {
    await provider.send(message(), [device('prod', 'ios', false), device('dev', 'ios', true), device('a1')]);
    const byEnv = Object.fromEntries(mock.pushes.map((p) => [String((p.body.options as { apns_production: boolean }).apns_production), p.registrationIds]));
    expect(byEnv).toEqual({ true: ['prod', 'a1'], false: ['dev'] });
  });

  it('rejects web devices and oversized payloads without a request', async () => {
    expect(await provider.send(message(), [device('w', 'web')])).toEqual([{ kind: 'rejected', reason: 'unsupported-platform' }]);
    expect(await provider.send(message({ body: 'x'.repeat(2_500) }), [device('i', 'ios'), device('a')])).toEqual([
      { kind: 'rejected', reason: 'jpush-1005' },
      { kind: 'accepted', providerMessageId: expect.any(String) },
    ]);
    expect(mock.pushes.map((p) => p.registrationIds)).toEqual([['a']]);
  });

  it('answers invalid-token for 1011 (no registration id known)', async () => {
    mock.unknownIds.add('gone');
    expect(await provider.send(message(), [device('gone')])).toEqual([{ kind: 'invalid-token', reason: 'jpush-1011' }]);
  });

  it('bisects a batch refused for an illegal registration id', async () => {
    mock.illegalIds.add('bad');
    const devices = ['a', 'b', 'c', 'bad', 'e', 'f', 'g'].map((t) => device(t));
    const outcomes = await provider.send(message(), devices);
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted', 'accepted', 'invalid-token', 'accepted', 'accepted', 'accepted']);
    expect(mock.pushes.flatMap((p) => p.registrationIds).sort()).toEqual(['a', 'b', 'c', 'e', 'f', 'g']);
  });

  it.each([
    [{ code: 1004, status: 401 }, { kind: 'auth-error', reason: 'jpush-1004' }],
    [{ code: 1008, status: 400 }, { kind: 'auth-error', reason: 'jpush-1008' }],
    [{ code: 2005, status: 403 }, { kind: 'auth-error', reason: 'jpush-2005' }],
    [{ code: 1000, status: 500 }, { kind: 'retry', reason: 'jpush-1000' }],
    [{ code: 1030, status: 503 }, { kind: 'retry', reason: 'jpush-1030' }],
    [{ code: 1005, status: 400 }, { kind: 'rejected', reason: 'jpush-1005' }],
    [{ code: 1002, status: 400 }, { kind: 'rejected', reason: 'jpush-1002' }],
  ] as const)('classifies %o', async (answer, expected) => {
    mock.script.next(answer);
    expect(await provider.send(message(), [device('r1')])).toEqual([expected]);
  });

  it('answers auth-error when the mock refuses the credentials', async () => {
    const wrong = new JPushProvider(readJPushSettings(options({ masterSecret: 'x'.repeat(24) }), 'apps.shop.providers.jpush'), { appId: 'shop' });
    try {
      expect(await wrong.send(message(), [device('r1')])).toEqual([{ kind: 'auth-error', reason: 'jpush-1004' }]);
      expect(mock.requests[0]?.authorized).toBe(false);
    } finally {
      await wrong.close();
    }
  });

  it('holds back while X-Rate-Limit-Remaining is 0, answering retry with the time to the reset', async () => {
    const fresh = new JPushProvider(readJPushSettings(options(), 'apps.shop.providers.jpush'), { appId: 'shop' });
    try {
      mock.setRemaining(1, 30);
      expect(await fresh.send(message(), [device('r1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
      expect(fresh.rateLimit.remaining).toBe(0);
      const [held] = await fresh.send(message(), [device('r2')]);
      expect(held).toMatchObject({ kind: 'retry', reason: 'jpush-rate-limited' });
      expect(held?.kind === 'retry' ? held.retryAfterMs : 0).toBeGreaterThan(25_000);
      // Held back: the mock saw only the first push.
      expect(mock.requests).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });

  it('classifies a 2002 answer as retry with the window reset', async () => {
    const fresh = new JPushProvider(readJPushSettings(options(), 'apps.shop.providers.jpush'), { appId: 'shop' });
    try {
      mock.setRemaining(0, 20);
      const [outcome] = await fresh.send(message(), [device('r1')]);
      expect(outcome).toMatchObject({ kind: 'retry', reason: 'jpush-2002', retryAfterMs: expect.any(Number) });
    } finally {
      await fresh.close();
    }
  });

  it('times out a push that never answers and survives a dropped connection', () =>
    expectTimeoutThenRecovery(new JPushProvider(readJPushSettings(options({ timeoutMs: 400 }), 'apps.shop.providers.jpush'), { appId: 'shop' }), () => mock.script.next({ hang: true }, { drop: true }), (impatient) => impatient.send(message(), [device('r1')])));

  it('reads chunked and non-chunked answers alike', async () => {
    mock.chunked = false;
    try {
      expect(await provider.send(message(), [device('r1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
    } finally {
      mock.chunked = true;
    }
  });

  describe('through createLiveProvider', () => {
    it('retries a 1000 and delivers', async () => {
      const live = createLiveProvider('jpush', options(), { appId: 'shop' });
      try {
        mock.script.next({ code: 1000, status: 500 });
        expect(await live.send(message(), [device('r1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
        expect(mock.requests.map((r) => r.status)).toEqual([500, 200]);
        expect(live.maxBatchSize).toBe(1000);
      } finally {
        await live.close();
      }
    });

    it.each([
      ['appKey', { appKey: undefined }],
      ['appKey', { appKey: 'not-hex' }],
      ['masterSecret', { masterSecret: 'short' }],
      ['reportEndpoint', { reportEndpoint: 'mailto:x' }],
      ['ratePerMinute', { ratePerMinute: -1 }],
    ])('names apps.shop.providers.jpush.%s', (field, patch) => {
      let error: unknown;
      try {
        createLiveProvider('jpush', options(patch), { appId: 'shop' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).path).toBe(`apps.shop.providers.jpush.${field}`);
      expect((error as Error).message).not.toContain(JPUSH_TEST_MASTER_SECRET);
    });
  });

  describe('receipt poller', () => {
    function poller(delivered: JPushDelivery[], invalid: JPushInvalidToken[], extra: { maxTracked?: number; maxAgeMs?: number; now?: () => number } = {}): JPushReceiptPoller {
      return new JPushReceiptPoller({
        settings: readJPushSettings(options(), 'apps.shop.providers.jpush'),
        onDelivered: (d) => delivered.push(d),
        onInvalidToken: (i) => invalid.push(i),
        intervalMs: 10,
        ...extra,
      });
    }

    it('reports deliveries and invalid tokens, and keeps asking about the rest', async () => {
      const [outcome] = await provider.send(message(), [device('r1'), device('r2'), device('r3'), device('gone')]);
      const msgId = outcome?.kind === 'accepted' ? outcome.providerMessageId! : '';
      mock.unknownIds.add('gone');
      mock.statuses.set(`${msgId}/r3`, JPUSH_STATUS.notDelivered);
      const delivered: JPushDelivery[] = [];
      const invalid: JPushInvalidToken[] = [];
      const p = poller(delivered, invalid);
      try {
        expect(p.track(msgId, ['r1', 'r2', 'r3', 'gone'])).toBe(true);
        await p.pollOnce();
        expect(delivered.map((d) => d.registrationId).sort()).toEqual(['r1', 'r2']);
        expect(delivered[0]).toMatchObject({ msgId, deliveredAt: expect.any(Number) });
        expect(invalid).toEqual([{ msgId, registrationId: 'gone', reason: 'not-in-app' }]);
        expect(p.size).toBe(1);

        mock.statuses.set(`${msgId}/r3`, JPUSH_STATUS.delivered);
        p.start();
        await expect.poll(() => delivered.length).toBe(3);
        expect(p.size).toBe(0);
        const statusCall = mock.requests.find((r) => r.path === '/v3/status/message');
        expect(statusCall?.authorized).toBe(true);
        expect(statusCall?.body).toMatchObject({ registration_ids: ['r1', 'r2', 'r3', 'gone'], date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      } finally {
        await p.stop();
      }
    });

    it('is bounded and forgets devices after maxAgeMs', async () => {
      let now = 1_000_000;
      const delivered: JPushDelivery[] = [];
      const p = poller(delivered, [], { maxTracked: 3, maxAgeMs: 1_000, now: () => now });
      try {
        expect(p.track('123', ['a', 'b'])).toBe(true);
        expect(p.track('124', ['c', 'd'])).toBe(false);
        expect(p.track('not-a-number', ['x'])).toBe(false);
        expect(p.size).toBe(2);
        now += 5_000;
        await p.pollOnce();
        expect(p.size).toBe(0);
        expect(mock.requests).toHaveLength(0);
      } finally {
        await p.stop();
      }
    });

    it('reports report-API failures and keeps the devices', async () => {
      const errors: Error[] = [];
      const p = new JPushReceiptPoller({
        settings: readJPushSettings(options({ masterSecret: 'y'.repeat(24) }), 'apps.shop.providers.jpush'),
        onDelivered: () => undefined,
        onError: (e) => errors.push(e),
      });
      try {
        p.track('555', ['a']);
        await p.pollOnce();
        expect(errors[0]).toMatchObject({ code: 'PUSHMUX_JPUSH_ERROR_RESPONSE', jpushCode: 1004 });
        expect(p.size).toBe(1);
      } finally {
        await p.stop();
      }
    });
  });
});
