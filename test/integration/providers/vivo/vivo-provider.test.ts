import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMakerProvider } from '../../../../providers/maker-providers.js';
import { VivoProvider, readVivoSettings } from '../../../../providers/vivo/index.js';
import { ConfigError } from '../../../../src/errors/index.js';
import { VIVO_TEST_APP_ID, VIVO_TEST_APP_KEY, VIVO_TEST_APP_SECRET, VivoMock } from '../../../mocks/vivo-mock.js';
import { device, orderMessage as message } from '../fixtures.js';
import { withClockAhead } from '../../../support/clock-ahead.js';
import { expectTimeoutThenRecovery } from '../../../support/provider-timeout-drill.js';



describe('vivo adapter against the vivo mock', () => {
  let mock: VivoMock;
  let provider: VivoProvider;

  function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      appId: VIVO_TEST_APP_ID,
      appKey: VIVO_TEST_APP_KEY,
      appSecret: VIVO_TEST_APP_SECRET,
      endpoint: mock.url,
      ca: mock.ca,
      // Generous, so an ordinary request to the mock does not time out on a loaded test machine; the timeout test builds its own impatient provider.
      timeoutMs: 5_000,
      category: 'ORDER',
      callbackUrl: 'https://push.example.com/v1/apps/shop/receipts/vivo',
      callbackSecret: 'vivo-callback-secret-01',
      ...extra,
    };
  }

  function fresh(extra: Record<string, unknown> = {}): VivoProvider {
    return new VivoProvider(readVivoSettings(options(extra), 'apps.shop.providers.vivo'), { appId: 'shop' });
  }

  beforeAll(async () => {
    mock = await VivoMock.start();
    provider = fresh();
  });

  afterEach(() => mock.reset());

  afterAll(async () => {
    await provider.close();
    await mock.stop();
  });

  it('authenticates with the md5 signature and sends one target with a unique requestId and the callback', async () => {
    const outcomes = await provider.send(message(), [device('v1')]);
    expect(outcomes).toEqual([{ kind: 'accepted', providerMessageId: mock.pushes[0]?.taskId }]);
    expect(mock.authRequests).toHaveLength(1);
    expect(mock.pushes[0]?.message).toMatchObject({
      appId: VIVO_TEST_APP_ID,
      regId: 'v1',
      title: '新订单',
      content: 'You have a new order',
      classification: 1,
      category: 'ORDER',
      pushMode: 0,
      clientCustomMap: { orderId: '7', notificationId: 'notif-7' },
      extra: { callback: 'https://push.example.com/v1/apps/shop/receipts/vivo?pmx=vivo-callback-secret-01', 'callback.param': 'notif-7' },
    });
    expect(mock.pushes[0]?.message.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends several targets through saveListPayload + pushToList and marks invalidUsers invalid', async () => {
    mock.invalidRegIds.add('bad');
    const outcomes = await provider.send(message(), [device('a'), device('bad'), device('b')]);
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'invalid-token', 'accepted']);
    expect(outcomes[1]).toEqual({ kind: 'invalid-token', reason: 'vivo-invalid-user' });
    expect(mock.requests.map((r) => r.path)).toEqual(['/message/saveListPayload', '/message/pushToList']);
    expect(mock.pushes[0]?.regIds).toEqual(['a', 'b']);
  });

  it('answers invalid-token for an unknown regId (10302) and a list of them', async () => {
    mock.invalidRegIds.add('x').add('y');
    expect(await provider.send(message(), [device('x')])).toEqual([{ kind: 'invalid-token', reason: 'vivo-10302' }]);
    expect((await provider.send(message(), [device('x'), device('y')])).map((o) => o.kind)).toEqual(['invalid-token', 'invalid-token']);
  });

  it('fetches a new authToken every hour, as vivo asks, and not before', async () => {
    const own = fresh();
    try {
      await own.send(message(), [device('v1')]);
      await withClockAhead(59 * 60_000, () => own.send(message(), [device('v2')]));
      expect(mock.authRequests).toHaveLength(1);
      await withClockAhead(61 * 60_000, () => own.send(message(), [device('v3')]));
      expect(mock.authRequests).toHaveLength(2);
      expect(mock.pushes).toHaveLength(3);
    } finally {
      await own.close();
    }
  });

  it('fetches a new authToken and resends once when vivo answers 10000', async () => {
    mock.expireTokens();
    expect(await provider.send(message(), [device('v1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
    expect(mock.authRequests).toHaveLength(1);
    expect(mock.requests.filter((r) => r.path === '/message/send').map((r) => r.status)).toEqual([200, 200]);
  });

  it('answers auth-error for a wrong app secret, retry when auth is down', async () => {
    const wrong = fresh({ appSecret: 'wrong' });
    try {
      expect(await wrong.send(message(), [device('v1')])).toEqual([{ kind: 'auth-error', reason: 'vivo-auth-10103' }]);
    } finally {
      await wrong.close();
    }
    const other = fresh();
    try {
      mock.authScript.next({ result: 1, status: 503 });
      expect(await other.send(message(), [device('v1')])).toEqual([{ kind: 'retry', reason: 'vivo-auth-unavailable' }]);
    } finally {
      await other.close();
    }
  });

  it.each([
    [{ result: 10070 }, 'retry'],
    [{ result: 10071 }, 'retry'],
    [{ result: 1, status: 500 }, 'retry'],
    [{ result: 10094 }, 'auth-error'],
    [{ result: 10054 }, 'rejected'],
  ] as const)('classifies %o as %s', async (answer, kind) => {
    mock.script.next(answer);
    const [outcome] = await provider.send(message(), [device('v1')]);
    expect(outcome?.kind).toBe(kind);
  });

  it('rejects data-only messages without a request', async () => {
    expect(await provider.send(message({ title: undefined, body: undefined }), [device('v1')])).toEqual([{ kind: 'rejected', reason: 'vivo-notification-only' }]);
    expect(mock.requests).toHaveLength(0);
  });

  it('rejects a message that expires before vivo\'s 900-second minimum TTL, sends one that does not', async () => {
    const short = [message({ ttlSeconds: 600 }), message({ expiresAt: Date.now() + 600_000 })];
    for (const m of short) expect(await provider.send(m, [device('v1')])).toEqual([{ kind: 'rejected', reason: 'vivo-ttl-below-minimum' }]);
    expect(mock.requests).toHaveLength(0);
    expect(await provider.send(message({ ttlSeconds: 900, expiresAt: Date.now() + 901_000 }), [device('v1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
    expect(mock.pushes[0]?.message.timeToLive).toBe(900);
  });

  it('times out a send that never answers and survives a dropped connection', () =>
    expectTimeoutThenRecovery(fresh({ timeoutMs: 400 }), () => mock.script.next({ hang: true }, { drop: true }), (impatient) => impatient.send(message(), [device('v1')])));

  describe('through createMakerProvider', () => {
    it('retries a 500 and delivers', async () => {
      const live = createMakerProvider('vivo', options(), { appId: 'shop' });
      try {
        mock.script.next({ result: 1, status: 500 });
        expect(await live.send(message(), [device('v1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
      } finally {
        await live.close();
      }
    });

    it.each([
      ['appId', { appId: 'abc' }],
      ['appSecret', { appSecret: undefined }],
      ['classification', { classification: 2 }],
      ['callbackSecret', { callbackSecret: 'short' }],
    ])('names apps.shop.providers.vivo.%s', (field, patch) => {
      let caught: unknown;
      try {
        createMakerProvider('vivo', { ...options(), ...patch }, { appId: 'shop' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).path).toBe(`apps.shop.providers.vivo.${field}`);
    });
  });
});
