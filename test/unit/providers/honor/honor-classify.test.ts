import { describe, expect, it } from 'vitest';
import { buildHonorMessage, classifyHonorError } from '../../../../providers/honor/index.js';

describe('Honor', () => {
  it.each([
    [200, 80300007, 'invalid-token'],
    [401, 80200003, 'auth-error'],
    [503, undefined, 'retry'],
    [200, 80100017, 'retry'],
    [400, 80100001, 'rejected'],
  ] as const)('HTTP %i code %s → %s', (status, code, kind) => {
    expect(classifyHonorError(status, code).kind).toBe(kind);
  });

  it('puts the notification id in data and biTag, and sends data-only messages without a notification', () => {
    const built = buildHonorMessage({ notificationId: 'n1', appId: 'a', data: { k: 'v' }, priority: 'high', ttlSeconds: 60, expiresAt: Date.now() + 60_000 });
    expect(built.notification).toBeUndefined();
    expect(built.android).toMatchObject({ biTag: 'n1' });
    expect(JSON.parse(built.data as string)).toEqual({ k: 'v', notificationId: 'n1' });
  });
});
