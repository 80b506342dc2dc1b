import type { SendOutcome } from '../provider.js';

/** Twilio codes that mean this number can never get our SMS: invalid To, not a mobile, unsubscribed. */
const INVALID_NUMBER_CODES: ReadonlySet<number> = new Set([21211, 21214, 21217, 21401, 21407, 21421, 21610, 21614]);
/** Our account or sender: auth failed, From not ours, account suspended. */
const AUTH_CODES: ReadonlySet<number> = new Set([20003, 20005, 21606, 21608, 21659, 21660, 30002]);
const THROTTLE_CODES: ReadonlySet<number> = new Set([20429, 14107, 30022]);

/**
 * Maps a Twilio Messages API error (`{code, message, status}`) to an outcome: an invalid, non-mobile or
 * unsubscribed number → invalid-token; 429 / 20429 → retry (Retry-After when given); 401/403 and
 * account codes → auth-error; 5xx → retry; other 4xx (21408 region not enabled included, which is
 * account config and not the number's fault) → rejected.
 */
export function classifyTwilioError(statusCode: number, code: number | undefined, retryAfterMs?: number): SendOutcome {
  const reason = code === undefined ? `http-${statusCode}` : `twilio-${code}`;
  if (code !== undefined && INVALID_NUMBER_CODES.has(code)) return { kind: 'invalid-token', reason };
  if (statusCode === 429 || (code !== undefined && THROTTLE_CODES.has(code)) || statusCode >= 500) {
    return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  }
  if (statusCode === 401 || statusCode === 403 || (code !== undefined && AUTH_CODES.has(code))) return { kind: 'auth-error', reason };
  return { kind: 'rejected', reason };
}
