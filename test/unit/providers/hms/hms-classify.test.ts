import { describe, expect, it } from 'vitest';
import { buildHmsMessage, classifyHmsError, hmsTtlSeconds, parseIllegalTokens } from '../../../../providers/hms/index.js';
import type { PushMessage } from '../../../../providers/provider.js';

const now = 1_700_000_000_000;
const message: PushMessage = { notificationId: 'n1', appId: 'shop', data: { k: 'v' }, priority: 'normal', ttlSeconds: 20 * 24 * 3600, expiresAt: now + 30 * 24 * 3600_000 };

describe('Push Kit classification', () => {
  it.each([
    [200, '80300007', undefined, { kind: 'invalid-token', reason: 'hms-80300007' }],
    [401, '80200003', undefined, { kind: 'auth-error', reason: 'hms-80200003' }],
    [401, undefined, undefined, { kind: 'auth-error', reason: 'http-401' }],
    [503, undefined, 2000, { kind: 'retry', reason: 'http-503', retryAfterMs: 2000 }],
    [502, undefined, undefined, { kind: 'retry', reason: 'http-502' }],
    [500, '81000001', undefined, { kind: 'retry', reason: 'hms-81000001' }],
    [200, '80600003', undefined, { kind: 'retry', reason: 'hms-80600003' }],
    [400, '80300008', undefined, { kind: 'rejected', reason: 'hms-80300008' }],
    [400, '80300013', undefined, { kind: 'auth-error', reason: 'hms-80300013' }],
    [404, undefined, undefined, { kind: 'rejected', reason: 'http-404' }],
  ] as const)('HTTP %i code %s → %o', (status, code, retryAfter, expected) => {
    expect(classifyHmsError(status, code, retryAfter)).toEqual(expected);
  });

  it('reads illegal_tokens from the JSON-in-a-string msg of 80100000', () => {
    expect(parseIllegalTokens('{"success":3,"failure":1,"illegal_tokens":["xxx"]}')).toEqual(['xxx']);
    expect(parseIllegalTokens('not json')).toBeUndefined();
    expect(parseIllegalTokens(undefined)).toBeUndefined();
  });
});

describe('Push Kit payload', () => {
  it('caps the TTL at 15 days and sends a data-only message as pass-through with the id in data and bi_tag', () => {
    expect(hmsTtlSeconds(message, now)).toBe(15 * 24 * 3600);
    const built = buildHmsMessage(message, {}, now);
    expect(built.android).toEqual({ urgency: 'NORMAL', ttl: '1296000s', bi_tag: 'n1' });
    expect(JSON.parse(built.data as string)).toEqual({ k: 'v', notificationId: 'n1' });
  });
});
