import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMakerProvider } from '../../../../providers/maker-providers.js';
import type { PushMessage } from '../../../../providers/provider.js';
import { XiaomiProvider, readXiaomiSettings } from '../../../../providers/xiaomi/index.js';
import { ConfigError } from '../../../../src/errors/index.js';
import { XIAOMI_TEST_APP_SECRET, XIAOMI_TEST_PACKAGE, XiaomiMock } from '../../../mocks/xiaomi-mock.js';
import { device, orderMessage } from '../fixtures.js';
import { expectTimeoutThenRecovery } from '../../../support/provider-timeout-drill.js';

function message(overrides: Partial<PushMessage> = {}): PushMessage {
  return orderMessage({ collapseKey: 'orders', ...overrides });
}

const CALLBACK_SECRET = 'cb-secret-0123456789';

describe('Xiaomi MiPush adapter against the MiPush mock', () => {
  let mock: XiaomiMock;
  let provider: XiaomiProvider;

  function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      appSecret: XIAOMI_TEST_APP_SECRET,
      packageName: XIAOMI_TEST_PACKAGE,
      endpoint: mock.url,
      ca: mock.ca,
      // Generous, so an ordinary request to the mock does not time out on a loaded test machine; the timeout test builds its own impatient provider.
      timeoutMs: 5_000,
      callbackUrl: 'https://push.example.com/v1/apps/shop/receipts/xiaomi',
      callbackSecret: CALLBACK_SECRET,
      ...extra,
    };
  }

  function fresh(extra: Record<string, unknown> = {}): XiaomiProvider {
    return new XiaomiProvider(readXiaomiSettings(options(extra), 'apps.shop.providers.xiaomi'), { appId: 'shop' });
  }

  beforeAll(async () => {
    mock = await XiaomiMock.start();
    provider = fresh();
  });

  afterEach(() => mock.reset());

  afterAll(async () => {
    await provider.close();
    await mock.stop();
  });

  it('sends a batch as one form request with key auth, the payload, ttl in ms and the receipt callback', async () => {
    const outcomes = await provider.send(message(), [device('r1'), device('r2')]);
    expect(mock.sends).toHaveLength(1);
    const send = mock.sends[0]!;
    expect(outcomes).toEqual([
      { kind: 'accepted', providerMessageId: send.msgId },
      { kind: 'accepted', providerMessageId: send.msgId },
    ]);
    expect(send.regids).toEqual(['r1', 'r2']);
    expect(JSON.parse(send.fields.payload!)).toEqual({ orderId: '7', notificationId: 'notif-7' });
    expect(send.fields).toMatchObject({
      title: '新订单',
      description: 'You have a new order',
      pass_through: '0',
      'extra.notificationId': 'notif-7',
      'extra.callback.param': 'notif-7',
      'extra.callback.type': '19',
      'extra.callback': `https://push.example.com/v1/apps/shop/receipts/xiaomi?pmx=${CALLBACK_SECRET}`,
    });
    expect(Number(send.fields.time_to_live)).toBeGreaterThan(3_500_000);
    expect(send.fields.notify_id).toMatch(/^\d+$/);
  });

  it('sends a data-only message as pass-through', async () => {
    await provider.send(message({ title: undefined, body: undefined }), [device('r1')]);
    expect(mock.sends[0]?.fields).toMatchObject({ pass_through: '1' });
    expect(mock.sends[0]?.fields.title).toBeUndefined();
  });

  it('marks the regids in bad_regids invalid and accepts the rest', async () => {
    mock.badRegids.add('bad');
    const outcomes = await provider.send(message(), [device('a'), device('bad'), device('b')]);
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'invalid-token', 'accepted']);
    expect(outcomes[1]).toEqual({ kind: 'invalid-token', reason: 'xiaomi-bad-regid' });
  });

  it('answers invalid-token for a whole batch of bad regids and for 20301', async () => {
    mock.badRegids.add('x').add('y');
    expect((await provider.send(message(), [device('x'), device('y')])).map((o) => o.kind)).toEqual(['invalid-token', 'invalid-token']);
    mock.script.next({ code: 20301, reason: 'all targets failed' });
    expect(await provider.send(message(), [device('z')])).toEqual([{ kind: 'invalid-token', reason: 'xiaomi-20301' }]);
  });

  it('answers auth-error for a wrong AppSecret (21301)', async () => {
    const wrong = fresh({ appSecret: 'wrong' });
    try {
      expect(await wrong.send(message(), [device('r1')])).toEqual([{ kind: 'auth-error', reason: 'xiaomi-21301' }]);
      expect(mock.requests[0]?.headers.authorization).toBe('key=wrong');
    } finally {
      await wrong.close();
    }
  });

  it.each([
    [{ code: 10002 }, { kind: 'retry', reason: 'xiaomi-10002' }],
    [{ code: 10027 }, { kind: 'retry', reason: 'xiaomi-10027' }],
    [{ code: 22022 }, { kind: 'auth-error', reason: 'xiaomi-22022' }],
    [{ code: 10017 }, { kind: 'rejected', reason: 'xiaomi-10017' }],
    [{ code: 500, status: 502 }, { kind: 'retry', reason: 'xiaomi-500' }],
  ] as const)('classifies %o', async (answer, expected) => {
    mock.script.next(answer);
    expect(await provider.send(message(), [device('r1')])).toEqual([expected]);
  });

  it('answers retry with Retry-After on HTTP 429', async () => {
    mock.script.next({ code: 10027, status: 429, retryAfter: '3' });
    expect(await provider.send(message(), [device('r1')])).toEqual([{ kind: 'retry', reason: 'xiaomi-10027', retryAfterMs: 3000 }]);
  });

  it('holds back after the daily cap (10034) until midnight Beijing time', async () => {
    const own = fresh();
    try {
      mock.script.next({ code: 10034, reason: 'daily limit' });
      const [capped] = await own.send(message(), [device('r1')]);
      expect(capped).toMatchObject({ kind: 'retry', reason: 'xiaomi-10034' });
      const [held] = await own.send(message(), [device('r2')]);
      expect(held).toMatchObject({ kind: 'retry', reason: 'xiaomi-daily-cap', retryAfterMs: expect.any(Number) });
      expect(held?.kind === 'retry' ? held.retryAfterMs : 0).toBeLessThanOrEqual(24 * 3600_000);
      expect(mock.requests).toHaveLength(1);
    } finally {
      await own.close();
    }
  });

  it('splits 1,001 regids into two requests', async () => {
    const outcomes = await provider.send(message(), Array.from({ length: 1001 }, (_, i) => device(`r${i}`)));
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(mock.sends.map((s) => s.regids.length).sort()).toEqual([1, 1000]);
  });

  it('times out a send that never answers and survives a dropped connection', () =>
    expectTimeoutThenRecovery(fresh({ timeoutMs: 400 }), () => mock.script.next({ hang: true }, { drop: true }), (impatient) => impatient.send(message(), [device('r1')])));

  describe('through createMakerProvider', () => {
    it('retries a busy answer and delivers', async () => {
      const live = createMakerProvider('xiaomi', options(), { appId: 'shop' });
      try {
        mock.script.next({ code: 10002 });
        expect(await live.send(message(), [device('r1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
        expect(mock.requests).toHaveLength(2);
      } finally {
        await live.close();
      }
    });

    it.each([
      ['appSecret', { appSecret: undefined }],
      ['packageName', { packageName: 'com example' }],
      ['callbackSecret', { callbackSecret: undefined }],
      ['callbackType', { callbackType: 1000 }],
    ])('names apps.shop.providers.xiaomi.%s', (field, patch) => {
      expect(() => createMakerProvider('xiaomi', { ...options(), ...patch }, { appId: 'shop' })).toThrow(ConfigError);
      try {
        createMakerProvider('xiaomi', { ...options(), ...patch }, { appId: 'shop' });
      } catch (error) {
        expect((error as ConfigError).path).toBe(`apps.shop.providers.xiaomi.${field}`);
      }
    });
  });
});
