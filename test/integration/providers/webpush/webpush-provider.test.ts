import webpush from 'web-push';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMakerProvider } from '../../../../providers/maker-providers.js';
import type { PushMessage, PushTarget } from '../../../../providers/provider.js';
import { WebPushProvider, readWebPushSettings } from '../../../../providers/webpush/index.js';
import { ConfigError } from '../../../../src/errors/index.js';
import { WebPushMock } from '../../../mocks/webpush-mock.js';
import { expectTimeoutThenRecovery } from '../../../support/provider-timeout-drill.js';

function message(overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    notificationId: 'notif-7',
    appId: 'shop',
    title: 'New order',
    body: 'You have a new order',
    data: { orderId: '7' },
    priority: 'high',
    ttlSeconds: 3600,
    expiresAt: Date.now() + 7_200_000,
    collapseKey: 'orders',
    ...overrides,
  };
}

function browser(token: string): PushTarget {
  return { deviceId: 'web-1', token, platform: 'web' };
}

describe('Web Push adapter against the push-service mock', () => {
  const vapid = webpush.generateVAPIDKeys();
  let mock: WebPushMock;
  let provider: WebPushProvider;

  function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
    // Generous, so an ordinary request to the mock does not time out on a loaded test machine; the timeout test builds its own impatient provider.
    return { vapidSubject: 'mailto:ops@example.com', vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, endpointHosts: ['127.0.0.1'], ca: mock.ca, timeoutMs: 5_000, ...extra };
  }

  beforeAll(async () => {
    mock = await WebPushMock.start();
    provider = new WebPushProvider(readWebPushSettings(options(), 'apps.shop.providers.webpush'), { appId: 'shop' });
  });

  afterEach(() => mock.reset());

  afterAll(async () => {
    await provider.close();
    await mock.stop();
  });

  it('delivers an encrypted payload the mock decrypts, with a VAPID JWT it verifies', async () => {
    const token = mock.subscribe();
    const outcomes = await provider.send(message(), [browser(token)]);
    expect(outcomes).toEqual([{ kind: 'accepted', providerMessageId: expect.stringContaining('/message/') }]);
    const delivery = mock.deliveries[0]!;
    expect(JSON.parse(delivery.payload)).toEqual({ notificationId: 'notif-7', title: 'New order', body: 'You have a new order', data: { orderId: '7' } });
    expect(delivery.claims).toMatchObject({ aud: mock.url, sub: 'mailto:ops@example.com' });
    expect(delivery.headers).toMatchObject({ urgency: 'high', topic: 'orders', 'content-encoding': 'aes128gcm' });
    expect(Number(delivery.headers.ttl)).toBeGreaterThan(3500);
  });

  it('sends to several subscriptions in one call over kept-alive connections', async () => {
    const tokens = [mock.subscribe(), mock.subscribe(), mock.subscribe()];
    const outcomes = await provider.send(message({ collapseKey: 'a key with spaces, longer than thirty-two characters' }), tokens.map(browser));
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(mock.deliveries).toHaveLength(3);
    expect(String(mock.deliveries[0]?.headers.topic)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('answers invalid-token for a gone subscription (410), a 404, and a token that is not a subscription', async () => {
    const gone = mock.subscribe();
    mock.unsubscribe(gone);
    const missing = mock.subscribe();
    mock.script.next({ status: 404 });
    const outcomes = await provider.send(message(), [browser(gone), browser(missing), browser('not json'), browser(JSON.stringify({ endpoint: `${mock.url}/push/x`, keys: { p256dh: 'AAAA', auth: 'AAAA' } }))]);
    expect(outcomes).toEqual([
      { kind: 'invalid-token', reason: 'http-410' },
      { kind: 'invalid-token', reason: 'http-404' },
      { kind: 'invalid-token', reason: 'webpush-bad-subscription' },
      { kind: 'invalid-token', reason: 'webpush-bad-keys' },
    ]);
  });

  it('answers retry with Retry-After on 429, auth-error when VAPID is refused, rejected on 413', async () => {
    const token = mock.subscribe();
    mock.script.next({ status: 429, retryAfter: '30' }, { status: 403 }, { status: 413 });
    expect(await provider.send(message(), [browser(token)])).toEqual([{ kind: 'retry', reason: 'http-429', retryAfterMs: 30_000 }]);
    expect(await provider.send(message(), [browser(token)])).toEqual([{ kind: 'auth-error', reason: 'http-403' }]);
    expect(await provider.send(message(), [browser(token)])).toEqual([{ kind: 'rejected', reason: 'http-413' }]);
  });

  it('refuses endpoints outside the allowed hosts without a request', async () => {
    const token = JSON.stringify({ endpoint: 'https://169.254.169.254/latest', keys: JSON.parse(mock.subscribe()).keys });
    expect(await provider.send(message(), [browser(token)])).toEqual([{ kind: 'rejected', reason: 'webpush-endpoint-not-allowed' }]);
    expect(mock.requests).toHaveLength(0);
  });

  it('times out a push service that never answers and survives a dropped connection', () => {
    const token = mock.subscribe();
    return expectTimeoutThenRecovery(new WebPushProvider(readWebPushSettings(options({ timeoutMs: 400 }), 'apps.shop.providers.webpush'), { appId: 'shop' }), () => mock.script.next({ hang: true }, { drop: true }), (impatient) => impatient.send(message(), [browser(token)]));
  });

  describe('through createMakerProvider', () => {
    it('retries a 503 and delivers', async () => {
      const live = createMakerProvider('webpush', options(), { appId: 'shop' });
      try {
        const token = mock.subscribe();
        mock.script.next({ status: 503, retryAfter: '0' });
        expect(await live.send(message(), [browser(token)])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
        expect(mock.requests.map((r) => r.status)).toEqual([503, 201]);
      } finally {
        await live.close();
      }
    });

    it.each([
      ['vapidSubject', { vapidSubject: 'ops@example.com' }],
      ['vapidPublicKey', { vapidPublicKey: 'short' }],
      ['vapidPrivateKey', { vapidPrivateKey: webpush.generateVAPIDKeys().privateKey.replace(/./, 'A').slice(0, 10) }],
      ['endpointHosts', { endpointHosts: [] }],
    ])('names apps.shop.providers.webpush.%s', (field, patch) => {
      let caught: unknown;
      try {
        createMakerProvider('webpush', { ...options(), ...patch }, { appId: 'shop' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).path).toBe(`apps.shop.providers.webpush.${field}`);
      expect((caught as ConfigError).message).not.toContain(vapid.privateKey);
    });
  });
});
