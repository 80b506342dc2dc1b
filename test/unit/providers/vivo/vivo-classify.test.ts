import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PushMessage } from '../../../../providers/provider.js';
import { buildVivoMessage, classifyVivoError, vivoSign } from '../../../../providers/vivo/index.js';

describe('vivo', () => {
  it('signs auth as lowercase hex md5 of appId + appKey + timestamp + appSecret', () => {
    expect(vivoSign('1', 'k', '2', 's')).toBe(createHash('md5').update('1k2s').digest('hex'));
  });

  it.each([
    [200, 10302, 'invalid-token'],
    [200, 10070, 'retry'],
    [200, 10071, 'retry'],
    [500, undefined, 'retry'],
    [200, 10000, 'auth-error'],
    [200, 10054, 'rejected'],
  ] as const)('HTTP %i result %s → %s', (status, result, kind) => {
    expect(classifyVivoError(status, result).kind).toBe(kind);
  });

  it('raises a short TTL to vivo’s 900 s minimum and fits CJK titles to 40 width units', () => {
    const now = 1_700_000_000_000;
    const message: PushMessage = { notificationId: 'n1', appId: 'a', title: '标题'.repeat(30), body: 'b', data: {}, priority: 'high', ttlSeconds: 60, expiresAt: now + 60_000 };
    const built = buildVivoMessage(message, { appId: '1', production: false, classification: 0 }, now);
    expect(built.timeToLive).toBe(900);
    expect(built.title).toBe('标题'.repeat(10));
    expect(built.pushMode).toBe(1);
  });
});
