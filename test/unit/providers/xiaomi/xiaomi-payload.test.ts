import { describe, expect, it } from 'vitest';
import type { PushMessage } from '../../../../providers/provider.js';
import { buildXiaomiFields, classifyXiaomiError, msUntilBeijingMidnight, xiaomiTtlMs } from '../../../../providers/xiaomi/index.js';

const now = Date.UTC(2026, 0, 1, 15, 30); // 23:30 in Beijing
const message: PushMessage = { notificationId: 'n1', appId: 'shop', title: 'T'.repeat(80), body: '正文'.repeat(100), data: { k: 'v w' }, priority: 'high', ttlSeconds: 30 * 24 * 3600, expiresAt: now + 30 * 24 * 3600_000, collapseKey: 'c' };
const settings = { packageName: 'com.example', callbackType: 19 };

describe('MiPush fields', () => {
  it('keeps title under 50 and description under 128 characters, TTL in ms capped at two weeks', () => {
    const fields = buildXiaomiFields(message, settings, now);
    expect([...fields.title!].length).toBeLessThan(50);
    expect([...fields.description!].length).toBeLessThan(128);
    expect(fields.time_to_live).toBe(String(14 * 24 * 3600_000));
    expect(xiaomiTtlMs({ ...message, expiresAt: now - 1 }, now)).toBe(0);
  });

  it('URL-encodes the payload once before form encoding', () => {
    const fields = buildXiaomiFields(message, settings, now);
    expect(decodeURIComponent(fields.payload!)).toBe('{"k":"v w","notificationId":"n1"}');
    expect(fields.payload).not.toContain(' ');
  });

  it('adds no callback fields without a callback URL', () => {
    expect(Object.keys(buildXiaomiFields(message, settings, now)).some((k) => k.startsWith('extra.callback'))).toBe(false);
  });
});

describe('MiPush classification', () => {
  it('waits until midnight Beijing time after the daily cap', () => {
    expect(msUntilBeijingMidnight(now)).toBe(30 * 60_000);
    expect(classifyXiaomiError(200, 10034, undefined, now)).toEqual({ kind: 'retry', reason: 'xiaomi-10034', retryAfterMs: 30 * 60_000 });
  });

  it.each([
    [200, 20301, 'invalid-token'],
    [200, 10003, 'retry'],
    [200, 21302, 'auth-error'],
    [200, 10031, 'auth-error'],
    [200, 65009, 'rejected'],
    [503, undefined, 'retry'],
    [401, undefined, 'auth-error'],
  ] as const)('HTTP %i code %s → %s', (status, code, kind) => {
    expect(classifyXiaomiError(status, code).kind).toBe(kind);
  });
});
