import type { SendOutcome } from '../provider.js';

/** Reasons that mean the device token itself is dead or not ours: drop it. */
const INVALID_TOKEN_REASONS: ReadonlySet<string> = new Set([
  'BadDeviceToken',
  'DeviceTokenNotForTopic',
  'Unregistered',
  'ExpiredToken',
]);

/**
 * Maps an APNs error answer (status + reason) to an outcome, per Apple's table
 * (reference/provider-protocols.md §1). `ExpiredProviderToken` is `auth-error` here: the adapter has
 * already re-signed and retried once before it gets this far.
 */
export function classifyApnsError(statusCode: number, reason: string): SendOutcome {
  if (INVALID_TOKEN_REASONS.has(reason) || statusCode === 410) return { kind: 'invalid-token', reason };
  if (statusCode === 429) {
    // TooManyRequests is per device (too many pushes to one token), not the provider being down.
    if (reason === 'TooManyProviderTokenUpdates') return { kind: 'auth-error', reason };
    return { kind: 'retry', reason: 'device-rate-limited' };
  }
  if (statusCode === 403) return { kind: 'auth-error', reason };
  if (statusCode >= 500) return { kind: 'retry', reason };
  if (statusCode >= 400) return { kind: 'rejected', reason };
  // A 1xx/3xx or an unexpected 2xx body: not something a retry is known to fix, but not the caller's fault.
  return { kind: 'retry', reason: `unexpected-status-${statusCode}` };
}
