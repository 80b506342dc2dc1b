import { generateKeyPairSync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApnsProvider, readApnsSettings } from '../../../providers/apns/index.js';
import { createLiveProvider } from '../../../providers/live-providers.js';
import type { PushMessage, PushTarget } from '../../../providers/provider.js';
import { ConfigError } from '../../../src/errors/index.js';
import { ApnsMock } from '../../mocks/apns-mock.js';
import { APNS_TEST_KEY, fixturePath } from '../../mocks/fixtures.js';

const TOKEN = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);

function message(overrides: Partial<PushMessage> = {}): PushMessage {
  return {
    notificationId: 'notif-1',
    appId: 'shop',
    title: 'Order shipped',
    body: 'Your parcel is on its way',
    data: { orderId: '42' },
    priority: 'high',
    ttlSeconds: 3600,
    expiresAt: Date.parse('2030-01-01T00:00:00Z'),
    collapseKey: 'order-42',
    ...overrides,
  };
}

function target(token = TOKEN, sandbox?: boolean): PushTarget {
  return { deviceId: `dev-${token.slice(0, 4)}`, token, platform: 'ios', ...(sandbox === undefined ? {} : { sandbox }) };
}

describe('APNs adapter against the APNs mock', () => {
  let mock: ApnsMock;
  let sandbox: ApnsMock;
  let provider: ApnsProvider;

  function options(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      teamId: APNS_TEST_KEY.teamId,
      keyId: APNS_TEST_KEY.keyId,
      topic: APNS_TEST_KEY.topic,
      keyFile: fixturePath('apns-test-key.p8'),
      endpoint: mock.url,
      sandboxEndpoint: sandbox.url,
      caFile: fixturePath('mock-tls-cert.pem'),
      // Generous, so an ordinary request to the mock does not time out on a loaded test machine; the timeout tests build their own impatient provider.
      timeoutMs: 5_000,
      ...extra,
    };
  }

  beforeAll(async () => {
    mock = await ApnsMock.start({ topic: APNS_TEST_KEY.topic });
    sandbox = await ApnsMock.start({ topic: APNS_TEST_KEY.topic });
    provider = new ApnsProvider(readApnsSettings(options(), 'apps.shop.providers.apns'), { appId: 'shop' });
  });

  afterEach(() => {
    mock.reset();
    sandbox.reset();
  });

  afterAll(async () => {
    await provider.close();
    await mock.stop();
    await sandbox.stop();
  });

  it('delivers an alert with the headers and payload APNs expects', async () => {
    const [outcome] = await provider.send(message(), [target()]);
    expect(outcome).toEqual({ kind: 'accepted', providerMessageId: expect.any(String) });
    const [request] = mock.requests;
    expect(request?.status).toBe(200);
    expect(request?.headers['apns-id']).toBe(outcome?.kind === 'accepted' ? outcome.providerMessageId : '');
    expect(request?.headers['apns-push-type']).toBe('alert');
    expect(request?.headers['apns-topic']).toBe(APNS_TEST_KEY.topic);
    // apns2 omits apns-priority for 10, which is APNs' default.
    expect(request?.headers['apns-priority']).toBeUndefined();
    expect(request?.headers['apns-expiration']).toBe(String(Date.parse('2030-01-01T00:00:00Z') / 1000));
    expect(request?.headers['apns-collapse-id']).toBe('order-42');
    expect(request?.jwt?.header).toMatchObject({ alg: 'ES256', kid: APNS_TEST_KEY.keyId });
    expect(request?.jwt?.claims).toMatchObject({ iss: APNS_TEST_KEY.teamId });
    expect(request?.body).toEqual({
      aps: { alert: { title: 'Order shipped', body: 'Your parcel is on its way' } },
      orderId: '42',
      notificationId: 'notif-1',
    });
  });

  it('sends a data-only message as a background push at priority 5, and TTL 0 as expiration 0', async () => {
    await provider.send(message({ title: undefined, body: undefined, ttlSeconds: 0 }), [target()]);
    const request = mock.requests[0];
    expect(request?.headers['apns-push-type']).toBe('background');
    expect(request?.headers['apns-priority']).toBe('5');
    expect(request?.headers['apns-expiration']).toBe('0');
    expect(request?.body).toMatchObject({ aps: { 'content-available': 1 }, notificationId: 'notif-1' });
  });

  it('uses priority 5 for normal priority', async () => {
    await provider.send(message({ priority: 'normal' }), [target()]);
    expect(mock.requests[0]?.headers['apns-priority']).toBe('5');
  });

  it('routes sandbox devices to the sandbox endpoint', async () => {
    await provider.send(message(), [target(TOKEN, true), target(OTHER, false), target(OTHER)]);
    expect(sandbox.requests.map((r) => r.token)).toEqual([TOKEN]);
    expect(mock.requests.map((r) => r.token)).toEqual([OTHER, OTHER]);
  });

  it('answers one outcome per target, in order', async () => {
    mock.script.forToken(OTHER, { status: 410, reason: 'Unregistered' });
    const outcomes = await provider.send(message(), [target(TOKEN), target(OTHER), target(TOKEN)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'invalid-token', 'accepted']);
  });

  it.each([
    [{ status: 400, reason: 'BadDeviceToken' }, { kind: 'invalid-token', reason: 'BadDeviceToken' }],
    [{ status: 400, reason: 'DeviceTokenNotForTopic' }, { kind: 'invalid-token', reason: 'DeviceTokenNotForTopic' }],
    [{ status: 410, reason: 'Unregistered', timestamp: 1_700_000_000_000 }, { kind: 'invalid-token', reason: 'Unregistered' }],
    [{ status: 400, reason: 'BadCollapseId' }, { kind: 'rejected', reason: 'BadCollapseId' }],
    [{ status: 413, reason: 'PayloadTooLarge' }, { kind: 'rejected', reason: 'PayloadTooLarge' }],
    [{ status: 403, reason: 'InvalidProviderToken' }, { kind: 'auth-error', reason: 'InvalidProviderToken' }],
    [{ status: 403, reason: 'BadCertificateEnvironment' }, { kind: 'auth-error', reason: 'BadCertificateEnvironment' }],
    [{ status: 429, reason: 'TooManyRequests' }, { kind: 'retry', reason: 'device-rate-limited' }],
    [{ status: 429, reason: 'TooManyProviderTokenUpdates' }, { kind: 'auth-error', reason: 'TooManyProviderTokenUpdates' }],
    [{ status: 500, reason: 'InternalServerError' }, { kind: 'retry', reason: 'InternalServerError' }],
    [{ status: 503, reason: 'ServiceUnavailable' }, { kind: 'retry', reason: 'ServiceUnavailable' }],
    [{ status: 503, reason: 'Shutdown' }, { kind: 'retry', reason: 'Shutdown' }],
  ] as const)('classifies %o', async (answer, expected) => {
    mock.next(answer);
    expect(await provider.send(message(), [target()])).toEqual([expected]);
  });

  it('re-signs and retries once on ExpiredProviderToken', async () => {
    mock.next({ status: 403, reason: 'ExpiredProviderToken' });
    expect(await provider.send(message(), [target()])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
    expect(mock.requests.map((r) => r.status)).toEqual([403, 200]);
  });

  it('gives up with auth-error when the fresh token is refused too', async () => {
    mock.next({ status: 403, reason: 'ExpiredProviderToken' }, { status: 403, reason: 'ExpiredProviderToken' });
    expect(await provider.send(message(), [target()])).toEqual([{ kind: 'auth-error', reason: 'ExpiredProviderToken' }]);
    expect(mock.requests).toHaveLength(2);
  });

  it('is refused by the mock when signed with another key', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const stranger = new ApnsProvider(
      readApnsSettings(options({ keyFile: undefined, key: privateKey.export({ type: 'pkcs8', format: 'pem' }) }), 'apps.shop.providers.apns'),
      { appId: 'shop' },
    );
    try {
      expect(await stranger.send(message(), [target()])).toEqual([{ kind: 'auth-error', reason: 'InvalidProviderToken' }]);
    } finally {
      await stranger.close();
    }
  });

  it('rejects locally what APNs would refuse (too large, long collapse id) without a request', async () => {
    expect(await provider.send(message({ body: 'x'.repeat(5_000) }), [target()])).toEqual([{ kind: 'rejected', reason: 'PayloadTooLarge' }]);
    expect(await provider.send(message({ collapseKey: 'c'.repeat(65) }), [target()])).toEqual([{ kind: 'rejected', reason: 'BadCollapseId' }]);
    expect(mock.requests).toHaveLength(0);
    expect(provider.payloadBytes(message())).toBe(Buffer.byteLength(JSON.stringify({
      aps: { alert: { title: 'Order shipped', body: 'Your parcel is on its way' } },
      orderId: '42',
      notificationId: 'notif-1',
    })));
  });

  it('times out a stream that never answers', async () => {
    const impatient = new ApnsProvider(readApnsSettings(options({ timeoutMs: 300 }), 'apps.shop.providers.apns'), { appId: 'shop' });
    try {
      mock.next({ hang: true });
      expect(await impatient.send(message(), [target()])).toEqual([{ kind: 'retry', reason: 'timeout' }]);
    } finally {
      await impatient.close();
    }
  });

  it('times out a slow answer', async () => {
    const impatient = new ApnsProvider(readApnsSettings(options({ timeoutMs: 300 }), 'apps.shop.providers.apns'), { appId: 'shop' });
    try {
      mock.next({ status: 200, delayMs: 1_000 });
      expect(await impatient.send(message(), [target()])).toEqual([{ kind: 'retry', reason: 'timeout' }]);
    } finally {
      await impatient.close();
    }
  });

  it('classifies a dropped connection as retry and reconnects for the next send', async () => {
    mock.next({ drop: 'connection' });
    const [dropped] = await provider.send(message(), [target()]);
    expect(dropped).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^network/) });
    const sessionsBefore = mock.sessionCount;
    expect(await provider.send(message(), [target()])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
    expect(mock.sessionCount).toBeGreaterThan(sessionsBefore);
  });

  it('classifies a reset stream as retry', async () => {
    mock.next({ drop: 'stream' });
    const [reset] = await provider.send(message(), [target()]);
    expect(reset?.kind).toBe('retry');
  });

  it('classifies a refused connection as retry', async () => {
    const closed = await ApnsMock.start();
    const url = closed.url;
    await closed.stop();
    const orphan = new ApnsProvider(readApnsSettings(options({ endpoint: url }), 'apps.shop.providers.apns'), { appId: 'shop' });
    try {
      expect(await orphan.send(message(), [target()])).toEqual([{ kind: 'retry', reason: 'network:ECONNREFUSED' }]);
    } finally {
      await orphan.close();
    }
  });

  it('answers auth-error for a server certificate it does not trust', async () => {
    const untrusting = new ApnsProvider(readApnsSettings(options({ caFile: undefined }), 'apps.shop.providers.apns'), { appId: 'shop' });
    try {
      const [outcome] = await untrusting.send(message(), [target()]);
      expect(outcome).toMatchObject({ kind: 'auth-error', reason: expect.stringMatching(/^tls:/) });
    } finally {
      await untrusting.close();
    }
  });

  describe('through createLiveProvider (resilience layer)', () => {
    it('retries a 503 and delivers', async () => {
      const live = createLiveProvider('apns', options({ maxAttempts: 3 }), { appId: 'shop' });
      try {
        mock.next({ status: 503, reason: 'ServiceUnavailable' });
        expect(await live.send(message(), [target()])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
        expect(mock.requests.map((r) => r.status)).toEqual([503, 200]);
      } finally {
        await live.close();
      }
    });

    it('opens the circuit on repeated 500s, skips APNs, then closes after a good trial', async () => {
      const states: string[] = [];
      const live = createLiveProvider('apns', options({ maxAttempts: 1, breakerThreshold: 2, halfOpenAfterMs: 100 }), {
        appId: 'shop',
        hooks: { onCircuitState: (e) => states.push(e.state) },
      });
      try {
        mock.script.always({ status: 500, reason: 'InternalServerError' });
        await live.send(message(), [target()]);
        await live.send(message(), [target()]);
        expect(live.isAvailable?.()).toBe(false);
        expect(await live.send(message(), [target()])).toEqual([{ kind: 'retry', reason: 'circuit-open' }]);
        expect(mock.requests).toHaveLength(2);

        mock.script.always(undefined);
        await sleep(120);
        expect(live.isAvailable?.()).toBe(true);
        expect(await live.send(message(), [target()])).toEqual([{ kind: 'accepted', providerMessageId: expect.any(String) }]);
        expect(states).toEqual(['open', 'half-open', 'closed']);
      } finally {
        await live.close();
      }
    });
  });

  describe('config validation', () => {
    it.each([
      ['teamId', { teamId: undefined }],
      ['keyId', { keyId: 'short' }],
      ['topic', { topic: '' }],
      ['key', { keyFile: undefined }],
      ['keyFile', { keyFile: '/nonexistent/AuthKey.p8' }],
      ['keyFile', { keyFile: fixturePath('mock-tls-cert.pem') }],
      ['endpoint', { endpoint: 'http://127.0.0.1:1' }],
      ['endpoint', { endpoint: 'not a url' }],
      ['timeoutMs', { timeoutMs: 0 }],
      ['production', { production: 'yes' }],
    ])('names apps.shop.providers.apns.%s', (field, patch) => {
      let error: unknown;
      try {
        createLiveProvider('apns', options(patch), { appId: 'shop' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).path).toBe(`apps.shop.providers.apns.${field}`);
      expect((error as ConfigError).fix).not.toBe('');
    });

    it('never puts the key into an error', () => {
      const secret = '-----BEGIN PRIVATE KEY-----\nnotreallyakeybutsecret\n-----END PRIVATE KEY-----';
      try {
        createLiveProvider('apns', options({ keyFile: undefined, key: secret }), { appId: 'shop' });
        expect.unreachable();
      } catch (error) {
        expect((error as Error).message).not.toContain('notreallyakeybutsecret');
      }
    });

    it('refuses a provider that has no live adapter yet', () => {
      expect(() => createLiveProvider('hms', {}, { appId: 'shop' })).toThrow(ConfigError);
      expect(() => createLiveProvider('hms', {}, { appId: 'shop' })).toThrow(/no live adapter yet/);
    });

    it('warns about unknown keys without failing', async () => {
      const warnings: object[] = [];
      const live = createLiveProvider('apns', options({ teamID: 'typo' }), {
        appId: 'shop',
        logger: { warn: (obj) => warnings.push(obj), info: () => undefined },
      });
      await live.close();
      expect(warnings).toEqual([{ path: 'apps.shop.providers.apns', keys: ['teamID'] }]);
    });
  });
});
