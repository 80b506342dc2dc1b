import type { SendOutcome } from '../provider.js';

/** auth_token invalid or expired: refresh, then retry once. */
export const OPPO_INVALID_TOKEN_CODE = 11;
/** Service unavailable, flow control, call limit, frequency limit. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([-1, -2, 13, 55]);
/** Daily message limit: retry tomorrow. */
export const OPPO_DAILY_LIMIT_CODE = 33;
/** App key, signature, timestamp, IP blacklist, permission, app disabled, missing token. */
const AUTH_CODES: ReadonlySet<number> = new Set([11, 14, 15, 16, 17, 18, 19, 26, 27, 28, 29, 30]);
/** Per-target codes that mean the registration id is invalid ([mem]: OPPO's 10000+ codes were not enumerated). */
const INVALID_REGID_CODES: ReadonlySet<number> = new Set([10000]);

function msUntilBeijingMidnight(nowMs: number): number {
  const day = 24 * 3600_000;
  return day - ((nowMs + 8 * 3600_000) % day);
}

/**
 * Maps an OPPO error code (request level or one target of a batch) to an outcome: -1, -2, 13, 55, 5xx
 * → retry; 33 → retry after midnight Beijing time; 11 and the app/signature codes → auth-error; an
 * invalid registration id (10000, or a message naming it) → invalid-token; others → rejected.
 */
export function classifyOppoError(statusCode: number, code: number | undefined, message = '', nowMs: number = Date.now()): SendOutcome {
  const reason = code === undefined ? `http-${statusCode}` : `oppo-${code}`;
  if (code !== undefined && (INVALID_REGID_CODES.has(code) || (code >= 10000 && /regist|regid/i.test(message)))) return { kind: 'invalid-token', reason };
  if (code === OPPO_DAILY_LIMIT_CODE) return { kind: 'retry', reason, retryAfterMs: msUntilBeijingMidnight(nowMs) };
  if ((code !== undefined && TRANSIENT_CODES.has(code)) || statusCode === 429 || statusCode >= 500) return { kind: 'retry', reason };
  if ((code !== undefined && AUTH_CODES.has(code)) || statusCode === 401 || statusCode === 403) return { kind: 'auth-error', reason };
  return { kind: 'rejected', reason };
}
