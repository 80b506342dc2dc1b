import type { SendOutcome } from '../provider.js';

/**
 * Maps a push service's answer (RFC 8030) to an outcome: 404/410 → invalid-token (the subscription is
 * gone); 429 and 5xx → retry (Retry-After when given); 401/403 → auth-error (VAPID keys refused);
 * 413 and other 4xx → rejected.
 */
export function classifyWebPushAnswer(statusCode: number, retryAfterMs?: number): SendOutcome {
  const reason = `http-${statusCode}`;
  if (statusCode === 404 || statusCode === 410) return { kind: 'invalid-token', reason };
  if (statusCode === 429 || statusCode >= 500) return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  if (statusCode === 401 || statusCode === 403) return { kind: 'auth-error', reason };
  return { kind: 'rejected', reason };
}
