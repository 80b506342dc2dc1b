import type { SendOutcome } from '../provider.js';

/** System busy, remote error, app calling too often: retry soon. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([10002, 10003, 10027]);
/** Daily message cap reached, broadcast too frequent: retry tomorrow. */
export const XIAOMI_DAILY_CAP_CODES: ReadonlySet<number> = new Set([10034, 26004]);
/** Auth failed; bad app, app id, key or package; app blacklisted or forbidden. */
const AUTH_CODES: ReadonlySet<number> = new Set([21301, 21302, 22000, 22006, 22007, 22022, 10031, 10036]);
/** Send failed for every target (third-party code treats it as "all targets invalid"). */
const ALL_TARGETS_FAILED = 20301;

/** Milliseconds until the next midnight in Beijing (UTC+8), when Xiaomi's daily quota resets. */
export function msUntilBeijingMidnight(nowMs: number = Date.now()): number {
  const day = 24 * 3600_000;
  const beijing = nowMs + 8 * 3600_000;
  return day - (beijing % day);
}

/**
 * Maps a MiPush error answer to one outcome for every target of the request (reference §5): 20301 →
 * invalid-token; 10002/10003/10027, 5xx and 429 → retry (Retry-After when given); 10034/26004 → retry
 * after the daily reset; auth and app codes, 401/403 → auth-error; other codes → rejected.
 */
export function classifyXiaomiError(statusCode: number, code: number | undefined, retryAfterMs?: number, nowMs?: number): SendOutcome {
  const reason = code === undefined ? `http-${statusCode}` : `xiaomi-${code}`;
  if (code === ALL_TARGETS_FAILED) return { kind: 'invalid-token', reason };
  if (code !== undefined && XIAOMI_DAILY_CAP_CODES.has(code)) return { kind: 'retry', reason, retryAfterMs: msUntilBeijingMidnight(nowMs) };
  if (code !== undefined && AUTH_CODES.has(code)) return { kind: 'auth-error', reason };
  if ((code !== undefined && TRANSIENT_CODES.has(code)) || statusCode === 429 || statusCode >= 500) {
    return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  }
  if (statusCode === 401 || statusCode === 403) return { kind: 'auth-error', reason };
  if (statusCode === 200 && code === undefined) return { kind: 'retry', reason: 'xiaomi-unreadable-answer' };
  return { kind: 'rejected', reason };
}
