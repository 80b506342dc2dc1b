import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildOppoNotification, classifyOppoError, oppoSign } from '../../../../providers/oppo/index.js';
import type { PushMessage } from '../../../../providers/provider.js';

describe('OPPO', () => {
  it('signs auth as hex sha256 of app_key + timestamp + master_secret', () => {
    expect(oppoSign('key', '1700000000000', 'secret')).toBe(createHash('sha256').update('key1700000000000secret').digest('hex'));
    expect(oppoSign('key', '1', 'secret')).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [-2, '', 'retry'],
    [13, '', 'retry'],
    [33, '', 'retry'],
    [11, '', 'auth-error'],
    [16, '', 'auth-error'],
    [10000, '', 'invalid-token'],
    [10018, 'Invalid RegistrationId', 'invalid-token'],
    [41, '', 'rejected'],
  ] as const)('code %i (%s) → %s', (code, text, kind) => {
    expect(classifyOppoError(200, code, text).kind).toBe(kind);
  });

  it('caps the offline TTL at 10 days and leaves callbacks out without a URL', () => {
    const now = 1_700_000_000_000;
    const message: PushMessage = { notificationId: 'n1', appId: 'a', title: 't', data: {}, priority: 'high', ttlSeconds: 30 * 86400, expiresAt: now + 30 * 86400_000 };
    const notification = buildOppoNotification(message, {}, now);
    expect(notification).toMatchObject({ off_line_ttl: 864000, title: 't', content: 't', app_message_id: 'n1' });
    expect(notification.call_back_url).toBeUndefined();
  });
});
