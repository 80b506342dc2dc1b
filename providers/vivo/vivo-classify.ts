import type { SendOutcome } from '../provider.js';

/**
 * vivo result codes ([mem]: from vivo's server API document as remembered; vivo's code table was not
 * verified against a source, and the mock implements the same table).
 */
export const VIVO_RESULT = {
  /** authToken invalid or expired: refresh, then retry once. */
  authTokenInvalid: 10000,
  /** regId does not exist / is not valid for this app. */
  invalidRegId: 10302,
} as const;

/** Daily total, list payload and broadcast limits: retry tomorrow. */
const DAILY_CODES: ReadonlySet<number> = new Set([10070, 10252, 10254]);
/** Operational messages outside vivo's time window (07:00–23:00): retry later. */
const WINDOW_CODES: ReadonlySet<number> = new Set([10071]);
/** appId mismatch and app credential problems. */
const AUTH_CODES: ReadonlySet<number> = new Set([VIVO_RESULT.authTokenInvalid, 10094, 10101, 10102, 10103, 10104]);

function msUntilBeijingMidnight(nowMs: number): number {
  const day = 24 * 3600_000;
  return day - ((nowMs + 8 * 3600_000) % day);
}

/**
 * Maps a vivo answer that is not `result: 0` to an outcome: an invalid regId → invalid-token; daily
 * limits → retry after midnight Beijing time; the time window → retry in an hour; 5xx and 429 → retry;
 * auth and app codes → auth-error; others → rejected.
 */
export function classifyVivoError(statusCode: number, result: number | undefined, nowMs: number = Date.now()): SendOutcome {
  const reason = result === undefined ? `http-${statusCode}` : `vivo-${result}`;
  if (result === VIVO_RESULT.invalidRegId) return { kind: 'invalid-token', reason };
  if (result !== undefined && DAILY_CODES.has(result)) return { kind: 'retry', reason, retryAfterMs: msUntilBeijingMidnight(nowMs) };
  if (result !== undefined && WINDOW_CODES.has(result)) return { kind: 'retry', reason, retryAfterMs: 3600_000 };
  if (statusCode === 429 || statusCode >= 500) return { kind: 'retry', reason };
  if ((result !== undefined && AUTH_CODES.has(result)) || statusCode === 401 || statusCode === 403) return { kind: 'auth-error', reason };
  return { kind: 'rejected', reason };
}
