import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FcmProvider, readFcmSettings } from '../../../providers/fcm/index.js';
import { createLiveProvider } from '../../../providers/live-providers.js';
import type { PushMessage, PushTarget } from '../../../providers/provider.js';
import { ConfigError } from '../../../src/errors/index.js';
import { FcmMock, type FcmMockError } from '../../mocks/fcm-mock.js';
import { fcmServiceAccount } from '../../mocks/fixtures.js';

function message(overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    notificationId: 'notif-9',
    appId: 'shop',
    title: 'Sale',
    body: '50% off',
    data: { campaign: 'spring' },
    priority: 'high',
    ttlSeconds: 600,
    expiresAt: Date.now() + 3_600_000,
    collapseKey: 'sale',
    ...overrides,
  };
}

function device(token: string, platform: PushTarget['platform'] = 'android'): PushTarget {
  return { deviceId: `dev-${token}`, token, platform };
}

describe('FCM adapter against the FCM mock', () => {
  let mock: FcmMock;
  let provider: FcmProvider;

  function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      serviceAccount: fcmServiceAccount(mock.tokenUrl, mock.projectId),
      endpoint: mock.url,
      ca: mock.ca,
      // Generous: a sendEach of 120 devices opens many TLS sockets on a loaded test machine.
      timeoutMs: 5_000,
      ...extra,
    };
  }

  beforeAll(async () => {
    mock = await FcmMock.start();
    provider = new FcmProvider(readFcmSettings(options(), 'apps.shop.providers.fcm'), { appId: 'shop' });
  });

  afterEach(() => mock.reset());

  afterAll(async () => {
    await provider.close();
    await mock.stop();
  });

  it('gets an OAuth token with the service account and sends a v1 message per device', async () => {
    const outcomes = await provider.send(message(), [device('tok-a'), device('tok-b')]);
    expect(outcomes).toEqual([
      { kind: 'accepted', providerMessageId: expect.stringMatching(/^projects\/pushmux-test\/messages\//) },
      { kind: 'accepted', providerMessageId: expect.stringMatching(/^projects\/pushmux-test\/messages\//) },
    ]);
    expect(mock.requests.map((r) => r.token).sort()).toEqual(['tok-a', 'tok-b']);
    const request = mock.requests[0];
    expect(request?.headers.authorization).toMatch(/^Bearer ya29\.mock-/);
    expect(request?.headers.host).toBe('fcm.googleapis.com');
    const sent = (request?.body as { message: Record<string, unknown> }).message;
    expect(sent.data).toEqual({ campaign: 'spring', notificationId: 'notif-9' });
    expect(sent.notification).toEqual({ title: 'Sale', body: '50% off' });
    expect(sent.android).toMatchObject({ priority: 'high', collapse_key: 'sale', ttl: expect.stringMatching(/^(599|600)s$/) });
  });

  it('caps the TTL at the message expiry and maps normal priority', async () => {
    await provider.send(message({ priority: 'normal', ttlSeconds: 86_400, expiresAt: Date.now() + 120_500 }), [device('tok-a')]);
    const sent = (mock.requests[0]?.body as { message: { android: Record<string, unknown> } }).message;
    expect(sent.android.priority).toBe('normal');
    expect(sent.android.ttl).toMatch(/^(119|120)s$/);
  });

  it('adds APNs headers for iOS devices reached through FCM', async () => {
    await provider.send(message(), [device('tok-ios', 'ios')]);
    const sent = (mock.requests[0]?.body as { message: { apns: { headers: Record<string, string> } } }).message;
    expect(sent.apns.headers).toMatchObject({ 'apns-priority': '10', 'apns-collapse-id': 'sale' });
  });

  it.each([
    ['UNREGISTERED', { kind: 'invalid-token', reason: 'UNREGISTERED' }],
    ['INVALID_TOKEN', { kind: 'invalid-token', reason: 'INVALID_ARGUMENT' }],
    ['INVALID_ARGUMENT', { kind: 'rejected', reason: 'INVALID_ARGUMENT' }],
    ['SENDER_ID_MISMATCH', { kind: 'invalid-token', reason: 'SENDER_ID_MISMATCH' }],
    ['UNAVAILABLE', { kind: 'retry', reason: 'UNAVAILABLE' }],
    ['INTERNAL', { kind: 'retry', reason: 'INTERNAL' }],
    ['THIRD_PARTY_AUTH_ERROR', { kind: 'auth-error', reason: 'THIRD_PARTY_AUTH_ERROR' }],
    ['QUOTA_EXCEEDED', { kind: 'retry', reason: 'QUOTA_EXCEEDED' }],
  ] as const)('classifies %s', async (error: FcmMockError, expected) => {
    mock.script.forToken('tok-x', { error });
    expect(await provider.send(message(), [device('tok-x')])).toEqual([expected]);
  });

  it('carries Retry-After on quota and unavailability errors, and only there', async () => {
    mock.script.forToken('tok-q', { error: 'QUOTA_EXCEEDED', retryAfter: '7' });
    mock.script.forToken('tok-i', { error: 'INTERNAL' });
    mock.script.forToken('tok-v', { error: 'UNAVAILABLE' });
    const outcomes = await provider.send(message(), [device('tok-q'), device('tok-i'), device('tok-v'), device('tok-ok')]);
    expect(outcomes).toEqual([
      { kind: 'retry', reason: 'QUOTA_EXCEEDED', retryAfterMs: 7_000 },
      { kind: 'retry', reason: 'INTERNAL' },
      { kind: 'retry', reason: 'UNAVAILABLE', retryAfterMs: 7_000 },
      { kind: 'accepted', providerMessageId: expect.any(String) },
    ]);
  });

  it('does not let firebase-admin retry a 503 on its own', async () => {
    mock.script.forToken('tok-v', { error: 'UNAVAILABLE' });
    await provider.send(message(), [device('tok-v')]);
    expect(mock.requests).toHaveLength(1);
  });

  it('times out a request that never answers', async () => {
    const impatient = new FcmProvider(readFcmSettings(options({ timeoutMs: 300 }), 'apps.shop.providers.fcm'), { appId: 'shop' });
    try {
      mock.script.forToken('tok-h', { hang: true });
      expect(await impatient.send(message(), [device('tok-h')])).toEqual([{ kind: 'retry', reason: 'timeout' }]);
    } finally {
      await impatient.close();
    }
  });

  it('classifies a reset connection as retry', async () => {
    mock.script.forToken('tok-d', { drop: true });
    const [outcome] = await provider.send(message(), [device('tok-d')]);
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'network' });
    expect(await provider.send(message(), [device('tok-ok')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
  });

  it('treats a refused service account as auth-error and an OAuth outage as retry', async () => {
    const fresh = (): FcmProvider => new FcmProvider(readFcmSettings(options(), 'apps.shop.providers.fcm'), { appId: 'shop' });
    const refused = fresh();
    const outage = fresh();
    try {
      mock.tokenScript.next({ status: 400, body: { error: 'invalid_grant' } });
      expect(await refused.send(message(), [device('tok-a')])).toEqual([{ kind: 'auth-error', reason: 'oauth-refused' }]);
      mock.tokenScript.next({ status: 503, body: { error: 'backend_error' } });
      expect(await outage.send(message(), [device('tok-a')])).toEqual([{ kind: 'retry', reason: 'oauth-unavailable' }]);
      expect(mock.requests).toHaveLength(0);
    } finally {
      await refused.close();
      await outage.close();
    }
  });

  it('rejects an oversized payload locally', async () => {
    expect(await provider.send(message({ body: 'x'.repeat(5_000) }), [device('tok-a')])).toEqual([
      { kind: 'rejected', reason: 'payload-size-limit-exceeded' },
    ]);
    expect(mock.requests).toHaveLength(0);
  });

  it('sends up to 500 devices in one call, in order', async () => {
    const devices = Array.from({ length: 120 }, (_, i) => device(`bulk-${i}`));
    mock.script.forToken('bulk-7', { error: 'UNREGISTERED' });
    const outcomes = await provider.send(message(), devices);
    expect(outcomes).toHaveLength(120);
    expect(outcomes[7]).toEqual({ kind: 'invalid-token', reason: 'UNREGISTERED' });
    expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(119);
    expect(provider.maxBatchSize).toBe(500);
  });

  describe('through createLiveProvider', () => {
    it('reads the service account from a file and honours a short Retry-After', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pushmux-fcm-'));
      const file = join(dir, 'service-account.json');
      writeFileSync(file, JSON.stringify(fcmServiceAccount(mock.tokenUrl, mock.projectId)));
      const live = createLiveProvider('fcm', options({ serviceAccount: undefined, serviceAccountFile: file }), { appId: 'shop' });
      try {
        mock.script.forToken('tok-q', { error: 'QUOTA_EXCEEDED', retryAfter: '0.05' });
        const startedAt = Date.now();
        expect(await live.send(message(), [device('tok-q')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
        expect(mock.requests).toHaveLength(2);
        expect(Date.now() - startedAt).toBeGreaterThanOrEqual(48);
      } finally {
        await live.close();
      }
    });

    it('opens the circuit on repeated UNAVAILABLE and closes after a good trial', async () => {
      const live = createLiveProvider('fcm', options({ maxAttempts: 1, breakerThreshold: 2, halfOpenAfterMs: 80 }), { appId: 'shop' });
      try {
        mock.script.always({ error: 'UNAVAILABLE' });
        await live.send(message(), [device('a')]);
        await live.send(message(), [device('a')]);
        expect(live.isAvailable?.()).toBe(false);
        expect(await live.send(message(), [device('a')])).toEqual([{ kind: 'retry', reason: 'circuit-open' }]);
        mock.script.always(undefined);
        await sleep(100);
        expect(await live.send(message(), [device('a')])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
        expect(live.isAvailable?.()).toBe(true);
      } finally {
        await live.close();
      }
    });

    it.each([
      ['serviceAccount', { serviceAccount: undefined }],
      ['serviceAccount', { serviceAccount: '{not json' }],
      ['serviceAccount', { serviceAccount: { client_email: 'a@b' } }],
      ['serviceAccountFile', { serviceAccount: undefined, serviceAccountFile: '/nonexistent/sa.json' }],
      ['projectId', { serviceAccount: { ...fcmServiceAccountWithout('project_id') } }],
      ['endpoint', { endpoint: 'ftp://x' }],
    ])('names apps.shop.providers.fcm.%s', (field, patch) => {
      let error: unknown;
      try {
        createLiveProvider('fcm', options(patch), { appId: 'shop' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).path).toBe(`apps.shop.providers.fcm.${field}`);
      expect((error as Error).message).not.toContain('PRIVATE KEY');
    });
  });
});

function fcmServiceAccountWithout(key: string): Record<string, string> {
  const account = fcmServiceAccount('https://127.0.0.1:1/token');
  delete account[key];
  return account;
}
