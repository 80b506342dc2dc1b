import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HonorProvider, readHonorSettings } from '../../../../providers/honor/index.js';
import { createMakerProvider } from '../../../../providers/maker-providers.js';
import type { PushMessage } from '../../../../providers/provider.js';
import { ConfigError } from '../../../../src/errors/index.js';
import { HONOR_TEST_APP_ID, HONOR_TEST_CLIENT_ID, HONOR_TEST_CLIENT_SECRET, HonorMock } from '../../../mocks/honor-mock.js';
import { device, orderMessage } from '../fixtures.js';
import { withClockAhead } from '../../../support/clock-ahead.js';
import { expectTimeoutThenRecovery } from '../../../support/provider-timeout-drill.js';

function message(overrides: Partial<PushMessage> = {}): PushMessage {
  return orderMessage({ title: 'New order', ...overrides });
}



describe('Honor adapter against the Honor mock', () => {
  let mock: HonorMock;
  let provider: HonorProvider;

  function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
    // Generous, so an ordinary request to the mock does not time out on a loaded test machine; the timeout test builds its own impatient provider.
    return { appId: HONOR_TEST_APP_ID, clientId: HONOR_TEST_CLIENT_ID, clientSecret: HONOR_TEST_CLIENT_SECRET, endpoint: mock.url, tokenUrl: mock.tokenUrl, ca: mock.ca, timeoutMs: 5_000, ...extra };
  }

  function fresh(extra: Record<string, unknown> = {}): HonorProvider {
    return new HonorProvider(readHonorSettings(options(extra), 'apps.shop.providers.honor'), { appId: 'shop' });
  }

  beforeAll(async () => {
    mock = await HonorMock.start();
    provider = fresh();
  });

  afterEach(() => mock.reset());

  afterAll(async () => {
    await provider.close();
    await mock.stop();
  });

  it('sends a batch with a bearer token, a timestamp header, biTag and the notification id in data', async () => {
    const outcomes = await provider.send(message(), [device('h1'), device('h2')]);
    const send = mock.sends[0]!;
    expect(outcomes).toEqual([
      { kind: 'accepted', providerMessageId: send.requestId },
      { kind: 'accepted', providerMessageId: send.requestId },
    ]);
    expect(send.tokens).toEqual(['h1', 'h2']);
    expect(send.body).toMatchObject({ notification: { title: 'New order', body: 'You have a new order' }, android: { biTag: 'notif-7', notification: { clickAction: { type: 3 } } } });
    expect(JSON.parse(send.body.data as string)).toEqual({ orderId: '7', notificationId: 'notif-7' });
    expect(mock.tokenRequests).toHaveLength(1);
  });

  it('marks failTokens invalid and accepts the rest; all invalid is 80300007', async () => {
    mock.failTokens.add('bad');
    expect((await provider.send(message(), [device('a'), device('bad')])).map((o) => o.kind)).toEqual(['accepted', 'invalid-token']);
    mock.failTokens.add('bad2');
    expect(await provider.send(message(), [device('bad'), device('bad2')])).toEqual([
      { kind: 'invalid-token', reason: 'honor-80300007' },
      { kind: 'invalid-token', reason: 'honor-80300007' },
    ]);
  });

  it('refreshes its token five minutes before expiry, not earlier', async () => {
    const own = fresh();
    try {
      await own.send(message(), [device('h1')]);
      await withClockAhead(54 * 60_000, () => own.send(message(), [device('h2')]));
      expect(mock.tokenRequests).toHaveLength(1);
      await withClockAhead(56 * 60_000, () => own.send(message(), [device('h3')]));
      expect(mock.tokenRequests).toHaveLength(2);
    } finally {
      await own.close();
    }
  });

  it('refreshes an expired token once and resends', async () => {
    mock.expireTokens();
    expect(await provider.send(message(), [device('h1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
    expect(mock.tokenRequests).toHaveLength(1);
    expect(mock.sendRequests.map((r) => r.status)).toEqual([401, 200]);
  });

  it('answers auth-error for a refused client secret', async () => {
    const wrong = fresh({ clientSecret: 'wrong' });
    try {
      expect(await wrong.send(message(), [device('h1')])).toEqual([{ kind: 'auth-error', reason: 'honor-oauth-refused' }]);
    } finally {
      await wrong.close();
    }
  });

  it.each([
    [{ code: 81000001, status: 503, retryAfter: '1' }, { kind: 'retry', reason: 'honor-81000001', retryAfterMs: 1000 }],
    [{ code: 80100001, status: 400 }, { kind: 'rejected', reason: 'honor-80100001' }],
    [{ code: 80300002, status: 403 }, { kind: 'auth-error', reason: 'honor-80300002' }],
  ] as const)('classifies %o', async (answer, expected) => {
    mock.script.next(answer);
    expect(await provider.send(message(), [device('h1')])).toEqual([expected]);
  });

  it('times out a send that never answers and survives a dropped connection', () =>
    expectTimeoutThenRecovery(fresh({ timeoutMs: 400 }), () => mock.script.next({ hang: true }, { drop: true }), (impatient) => impatient.send(message(), [device('h1')])));

  describe('through createMakerProvider', () => {
    it('retries a 503 and delivers', async () => {
      const live = createMakerProvider('honor', options(), { appId: 'shop' });
      try {
        mock.script.next({ code: 81000001, status: 503, retryAfter: '0' });
        expect(await live.send(message(), [device('h1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
      } finally {
        await live.close();
      }
    });

    it('names apps.shop.providers.honor.appId', () => {
      expect(() => createMakerProvider('honor', { ...options(), appId: 'x' }, { appId: 'shop' })).toThrow(ConfigError);
    });
  });
});
