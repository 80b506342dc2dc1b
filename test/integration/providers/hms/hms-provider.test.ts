import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HmsProvider, readHmsSettings } from '../../../../providers/hms/index.js';
import { createMakerProvider } from '../../../../providers/maker-providers.js';
import type { PushMessage } from '../../../../providers/provider.js';
import { ConfigError } from '../../../../src/errors/index.js';
import { HMS_TEST_CLIENT_ID, HMS_TEST_CLIENT_SECRET, HmsMock } from '../../../mocks/hms-mock.js';
import { device, orderMessage } from '../fixtures.js';
import { withClockAhead } from '../../../support/clock-ahead.js';
import { expectTimeoutThenRecovery } from '../../../support/provider-timeout-drill.js';

function message(overrides: Partial<PushMessage> = {}): PushMessage {
  return orderMessage({ collapseKey: 'orders', ...overrides });
}



describe('Huawei Push Kit adapter against the Push Kit mock', () => {
  let mock: HmsMock;
  let provider: HmsProvider;

  function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
    // Generous, so an ordinary request to the mock does not time out on a loaded test machine; the timeout tests build their own impatient provider.
    return { clientId: HMS_TEST_CLIENT_ID, clientSecret: HMS_TEST_CLIENT_SECRET, endpoint: mock.url, tokenUrl: mock.tokenUrl, ca: mock.ca, timeoutMs: 5_000, ...extra };
  }

  function fresh(extra: Record<string, unknown> = {}): HmsProvider {
    return new HmsProvider(readHmsSettings(options(extra), 'apps.shop.providers.hms'), { appId: 'shop' });
  }

  beforeAll(async () => {
    mock = await HmsMock.start();
    provider = fresh({ receiptId: 'RCP1' });
  });

  afterEach(() => mock.reset());

  afterAll(async () => {
    await provider.close();
    await mock.stop();
  });

  it('sends a batch in one request with a bearer token, bi_tag and the notification id in data', async () => {
    const outcomes = await provider.send(message(), [device('t1'), device('t2')]);
    expect(mock.sends).toHaveLength(1);
    const send = mock.sends[0]!;
    expect(outcomes).toEqual([
      { kind: 'accepted', providerMessageId: send.requestId },
      { kind: 'accepted', providerMessageId: send.requestId },
    ]);
    expect(send.tokens).toEqual(['t1', 't2']);
    const android = send.message.android as Record<string, unknown>;
    expect(android).toMatchObject({ urgency: 'HIGH', bi_tag: 'notif-7', receipt_id: 'RCP1', notification: { title: '新订单', body: 'You have a new order', tag: 'orders', click_action: { type: 3 } } });
    expect(String(android.ttl)).toMatch(/^3[56]\d\ds$/);
    expect(JSON.parse(send.message.data as string)).toEqual({ orderId: '7', notificationId: 'notif-7' });
    expect(mock.sendRequests[0]?.headers['content-type']).toBe('application/json;charset=UTF-8');
  });

  it('caches the OAuth token across sends', async () => {
    const own = fresh();
    try {
      await own.send(message(), [device('t1')]);
      await own.send(message(), [device('t2')]);
      expect(mock.tokenRequests).toHaveLength(1);
      expect(new URLSearchParams(mock.tokenRequests[0]!.text).get('grant_type')).toBe('client_credentials');
    } finally {
      await own.close();
    }
  });

  it('refreshes a token before it expires', async () => {
    const own = fresh();
    try {
      // A token whose lifetime is used up is never reused, even if Huawei would still take it.
      mock.tokenLifetimeSeconds = 0;
      await own.send(message(), [device('t1')]);
      await own.send(message(), [device('t2')]);
      expect(mock.tokenRequests).toHaveLength(2);
    } finally {
      await own.close();
    }
  });

  it('refreshes an hour-long token five minutes before it expires, not earlier', async () => {
    const own = fresh();
    try {
      await own.send(message(), [device('t1')]);
      await withClockAhead(54 * 60_000, () => own.send(message(), [device('t2')]));
      expect(mock.tokenRequests).toHaveLength(1);
      await withClockAhead(56 * 60_000, () => own.send(message(), [device('t3')]));
      expect(mock.tokenRequests).toHaveLength(2);
      expect(mock.sendRequests.map((r) => r.status)).toEqual([200, 200, 200]);
    } finally {
      await own.close();
    }
  });

  it('refreshes the token and resends once when Push Kit answers 80200003 (expired)', async () => {
    const own = fresh();
    try {
      await own.send(message(), [device('t1')]);
      mock.expireTokens();
      expect(await own.send(message(), [device('t2')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
      expect(mock.tokenRequests).toHaveLength(2);
      expect(mock.sendRequests.map((r) => r.status)).toEqual([200, 401, 200]);
    } finally {
      await own.close();
    }
  });

  it('answers auth-error when the token stays refused after a refresh', async () => {
    mock.script.next({ status: 401, code: '80200003' }, { status: 401, code: '80200003' });
    expect(await provider.send(message(), [device('t1')])).toEqual([{ kind: 'auth-error', reason: 'hms-80200003' }]);
    expect(mock.sendRequests).toHaveLength(2);
  });

  it('answers auth-error when OAuth refuses the client secret, retry when it is down', async () => {
    const wrong = fresh({ clientSecret: 'wrong-secret' });
    try {
      expect(await wrong.send(message(), [device('t1')])).toEqual([{ kind: 'auth-error', reason: 'hms-oauth-refused' }]);
      mock.tokenScript.next({ status: 503, body: { error: 'busy' } });
      const other = fresh();
      try {
        expect(await other.send(message(), [device('t1')])).toEqual([{ kind: 'retry', reason: 'hms-oauth-unavailable' }]);
      } finally {
        await other.close();
      }
    } finally {
      await wrong.close();
    }
  });

  it('marks the illegal tokens of a partial success (80100000) invalid and accepts the rest', async () => {
    mock.illegalTokens.add('bad1').add('bad2');
    const outcomes = await provider.send(message(), [device('a'), device('bad1'), device('b'), device('bad2')]);
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'invalid-token', 'accepted', 'invalid-token']);
    expect(outcomes[1]).toEqual({ kind: 'invalid-token', reason: 'hms-80100000' });
    expect(mock.sends[0]?.tokens).toEqual(['a', 'b']);
  });

  it('answers invalid-token for every target when all tokens are invalid (80300007)', async () => {
    mock.illegalTokens.add('x').add('y');
    expect(await provider.send(message(), [device('x'), device('y')])).toEqual([
      { kind: 'invalid-token', reason: 'hms-80300007' },
      { kind: 'invalid-token', reason: 'hms-80300007' },
    ]);
  });

  it('answers retry with Retry-After on HTTP 503 flow control', async () => {
    mock.script.next({ status: 503, code: '80300009', retryAfter: '2' });
    expect(await provider.send(message(), [device('t1')])).toEqual([{ kind: 'retry', reason: 'hms-80300009', retryAfterMs: 2000 }]);
  });

  it.each([
    [{ code: '81000001', status: 500 }, { kind: 'retry', reason: 'hms-81000001' }],
    [{ code: '80100017', status: 200 }, { kind: 'retry', reason: 'hms-80100017' }],
    [{ code: '80100001', status: 400 }, { kind: 'rejected', reason: 'hms-80100001' }],
    [{ code: '80300002', status: 403 }, { kind: 'auth-error', reason: 'hms-80300002' }],
  ] as const)('classifies %o', async (answer, expected) => {
    mock.script.next(answer);
    expect(await provider.send(message(), [device('t1')])).toEqual([expected]);
  });

  it('splits more than 1,000 tokens into requests of at most 1,000', async () => {
    const targets = Array.from({ length: 1500 }, (_, i) => device(`tok-${i}`));
    const outcomes = await provider.send(message(), targets);
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(mock.sends.map((s) => s.tokens.length).sort()).toEqual([1000, 500]);
  });

  it('rejects non-Android devices and oversized messages without a request', async () => {
    expect(await provider.send(message(), [device('i', 'ios')])).toEqual([{ kind: 'rejected', reason: 'unsupported-platform' }]);
    expect(await provider.send(message({ body: 'x'.repeat(5000) }), [device('a')])).toEqual([{ kind: 'rejected', reason: 'hms-80300008' }]);
    expect(mock.sendRequests).toHaveLength(0);
  });

  it('times out a send that never answers and survives a dropped connection', () =>
    expectTimeoutThenRecovery(fresh({ timeoutMs: 400 }), () => mock.script.next({ hang: true }, { drop: true }), (impatient) => impatient.send(message(), [device('t1')])));

  it('times out a token request that never answers', async () => {
    const own = fresh({ timeoutMs: 400 });
    try {
      mock.tokenScript.next({ hang: true });
      expect(await own.send(message(), [device('t1')])).toEqual([{ kind: 'retry', reason: 'timeout' }]);
    } finally {
      await own.close();
    }
  });

  describe('through createMakerProvider', () => {
    it('retries 503 flow control and delivers', async () => {
      const live = createMakerProvider('hms', options(), { appId: 'shop' });
      try {
        mock.script.next({ status: 503, code: '80300009', retryAfter: '0' });
        expect(await live.send(message(), [device('t1')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
        expect(mock.sendRequests.map((r) => r.status)).toEqual([503, 200]);
        expect(live.maxBatchSize).toBe(1000);
      } finally {
        await live.close();
      }
    });

    it.each([
      ['clientId', { clientId: undefined }],
      ['clientId', { clientId: 'abc' }],
      ['clientSecret', { clientSecret: '' }],
      ['tokenUrl', { tokenUrl: 'ftp://x' }],
      ['maxAttempts', { maxAttempts: 0 }],
    ])('names apps.shop.providers.hms.%s', (field, patch) => {
      const error = (() => {
        try {
          createMakerProvider('hms', { ...options(), ...patch }, { appId: 'shop' });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).path).toBe(`apps.shop.providers.hms.${field}`);
      expect((error as ConfigError).message).not.toContain(HMS_TEST_CLIENT_SECRET);
    });
  });
});
