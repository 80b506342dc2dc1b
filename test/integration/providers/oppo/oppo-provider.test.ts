import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMakerProvider } from '../../../../providers/maker-providers.js';
import { OppoProvider, readOppoSettings } from '../../../../providers/oppo/index.js';
import { ConfigError } from '../../../../src/errors/index.js';
import { OPPO_TEST_APP_KEY, OPPO_TEST_MASTER_SECRET, OppoMock } from '../../../mocks/oppo-mock.js';
import { device, orderMessage as message } from '../fixtures.js';
import { withClockAhead } from '../../../support/clock-ahead.js';
import { expectTimeoutThenRecovery } from '../../../support/provider-timeout-drill.js';



describe('OPPO adapter against the OPPO mock', () => {
  let mock: OppoMock;
  let provider: OppoProvider;

  function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      appKey: OPPO_TEST_APP_KEY,
      masterSecret: OPPO_TEST_MASTER_SECRET,
      endpoint: mock.url,
      ca: mock.ca,
      // Generous, so an ordinary request to the mock does not time out on a loaded test machine; the timeout test builds its own impatient provider.
      timeoutMs: 5_000,
      channelId: 'orders',
      callbackUrl: 'https://push.example.com/v1/apps/shop/receipts/oppo',
      callbackSecret: 'oppo-callback-secret-01',
      ...extra,
    };
  }

  function fresh(extra: Record<string, unknown> = {}): OppoProvider {
    return new OppoProvider(readOppoSettings(options(extra), 'apps.shop.providers.oppo'), { appId: 'shop' });
  }

  beforeAll(async () => {
    mock = await OppoMock.start();
    provider = fresh();
  });

  afterEach(() => mock.reset());

  afterAll(async () => {
    await provider.close();
    await mock.stop();
  });

  it('authenticates with the sha256 signature and sends one target as a unicast', async () => {
    const outcomes = await provider.send(message(), [device('o1')]);
    expect(outcomes).toEqual([{ kind: 'accepted', providerMessageId: mock.messages[0]?.messageId }]);
    expect(mock.authRequests).toHaveLength(1);
    expect(mock.sendRequests[0]?.path).toBe('/server/v1/message/notification/unicast');
    const notification = mock.messages[0]!.notification;
    expect(notification).toMatchObject({
      title: '新订单',
      content: 'You have a new order',
      channel_id: 'orders',
      app_message_id: 'notif-7',
      call_back_parameter: 'notif-7',
      call_back_url: 'https://push.example.com/v1/apps/shop/receipts/oppo?pmx=oppo-callback-secret-01',
    });
    expect(JSON.parse(notification.action_parameters as string)).toEqual({ orderId: '7', notificationId: 'notif-7' });
  });

  it('sends several targets as one unicast_batch, caches the auth token, and reads per-target errors', async () => {
    mock.invalidRegids.add('bad');
    const outcomes = await provider.send(message(), [device('a'), device('bad'), device('b')]);
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'invalid-token', 'accepted']);
    expect(outcomes[1]).toEqual({ kind: 'invalid-token', reason: 'oppo-10000' });
    expect(mock.sendRequests.map((r) => r.path)).toEqual(['/server/v1/message/notification/unicast_batch']);
    // The provider's token from the first test is still cached.
    expect(mock.authRequests).toHaveLength(0);
  });

  it('answers invalid-token for a whole batch of invalid targets and a single invalid one', async () => {
    mock.invalidRegids.add('x').add('y');
    expect((await provider.send(message(), [device('x'), device('y')])).map((o) => o.kind)).toEqual(['invalid-token', 'invalid-token']);
    expect(await provider.send(message(), [device('x')])).toEqual([{ kind: 'invalid-token', reason: 'oppo-10000' }]);
  });

  it('keeps the 24-hour auth_token for 23 hours, then fetches a new one', async () => {
    const own = fresh();
    try {
      await own.send(message(), [device('o1')]);
      await withClockAhead(22 * 3600_000 + 59 * 60_000, () => own.send(message(), [device('o2')]));
      expect(mock.authRequests).toHaveLength(1);
      await withClockAhead(23 * 3600_000 + 60_000, () => own.send(message(), [device('o3')]));
      expect(mock.authRequests).toHaveLength(2);
      expect(mock.messages).toHaveLength(3);
    } finally {
      await own.close();
    }
  });

  it('fetches a new auth token and resends once when OPPO answers 11 (token expired)', async () => {
    mock.expireTokens();
    expect(await provider.send(message(), [device('o1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
    expect(mock.authRequests).toHaveLength(1);
    expect(mock.sendRequests).toHaveLength(2);
  });

  it('answers auth-error for a wrong master secret, retry when auth is in flow control', async () => {
    const wrong = fresh({ masterSecret: 'wrong' });
    try {
      expect(await wrong.send(message(), [device('o1')])).toEqual([{ kind: 'auth-error', reason: 'oppo-auth-16' }]);
    } finally {
      await wrong.close();
    }
    const other = fresh();
    try {
      mock.authScript.next({ code: -2, message: 'Service in Flow Control' });
      expect(await other.send(message(), [device('o1')])).toEqual([{ kind: 'retry', reason: 'oppo-auth-unavailable' }]);
    } finally {
      await other.close();
    }
  });

  it.each([
    [{ code: -2 }, { kind: 'retry', reason: 'oppo--2' }],
    [{ code: -1 }, { kind: 'retry', reason: 'oppo--1' }],
    [{ code: 55 }, { kind: 'retry', reason: 'oppo-55' }],
    [{ code: 28 }, { kind: 'auth-error', reason: 'oppo-28' }],
    [{ code: 41 }, { kind: 'rejected', reason: 'oppo-41' }],
    [{ code: 13, status: 502 }, { kind: 'retry', reason: 'oppo-13' }],
  ] as const)('classifies %o', async (answer, expected) => {
    mock.script.next(answer);
    expect(await provider.send(message(), [device('o1')])).toEqual([expected]);
  });

  it('answers retry until tomorrow on the daily limit (33)', async () => {
    mock.script.next({ code: 33, message: 'The number of messages exceeds the daily limit' });
    expect(await provider.send(message(), [device('o1')])).toEqual([{ kind: 'retry', reason: 'oppo-33', retryAfterMs: expect.any(Number) }]);
  });

  it('rejects data-only messages and non-Android devices without a request', async () => {
    expect(await provider.send(message({ title: undefined, body: undefined }), [device('o1')])).toEqual([{ kind: 'rejected', reason: 'oppo-notification-only' }]);
    expect(await provider.send(message(), [device('i', 'ios')])).toEqual([{ kind: 'rejected', reason: 'unsupported-platform' }]);
    expect(mock.requests).toHaveLength(0);
  });

  it('times out a send that never answers and survives a dropped connection', () =>
    expectTimeoutThenRecovery(fresh({ timeoutMs: 400 }), () => mock.script.next({ hang: true }, { drop: true }), (impatient) => impatient.send(message(), [device('o1')])));

  describe('through createMakerProvider', () => {
    it('retries flow control and delivers', async () => {
      const live = createMakerProvider('oppo', options(), { appId: 'shop' });
      try {
        mock.script.next({ code: -2, message: 'Service in Flow Control' });
        expect(await live.send(message(), [device('o1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
      } finally {
        await live.close();
      }
    });

    it.each([
      ['appKey', { appKey: undefined }],
      ['masterSecret', { masterSecret: 42 }],
      ['callbackSecret', { callbackSecret: undefined }],
    ])('names apps.shop.providers.oppo.%s', (field, patch) => {
      let caught: unknown;
      try {
        createMakerProvider('oppo', { ...options(), ...patch }, { appId: 'shop' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).path).toBe(`apps.shop.providers.oppo.${field}`);
    });
  });
});
