import type { SendOutcome } from '../provider.js';

/** JPush codes that are our credentials or the app's account (reference §3). */
const AUTH_CODES: ReadonlySet<number> = new Set([1004, 1008, 2003, 2004, 2005, 2006, 2007]);
/** JPush codes that are on JPush's side and pass. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1000, 1030]);

/**
 * Maps a JPush error answer to an outcome for every target of the request (reference §3):
 * 1011 (no target matched the audience) → invalid-token; 2002 / HTTP 429 → retry after the rate-limit
 * window; 1004 / 1008 / 2003–2007 → auth-error; 1000, 1030 and 5xx → retry; other 4xx → rejected.
 * An illegal registration id (1003) is told apart by the adapter, which bisects the batch to find it.
 */
export function classifyJPushError(statusCode: number, code: number | undefined, retryAfterMs?: number): SendOutcome {
  if (code === 1011) return { kind: 'invalid-token', reason: 'jpush-1011' };
  if (code === 2002 || statusCode === 429) {
    return retryAfterMs === undefined ? { kind: 'retry', reason: 'jpush-2002' } : { kind: 'retry', reason: 'jpush-2002', retryAfterMs };
  }
  if (code !== undefined && AUTH_CODES.has(code)) return { kind: 'auth-error', reason: `jpush-${code}` };
  if (statusCode === 401 || statusCode === 403) return { kind: 'auth-error', reason: code === undefined ? `http-${statusCode}` : `jpush-${code}` };
  if ((code !== undefined && TRANSIENT_CODES.has(code)) || statusCode >= 500) {
    return { kind: 'retry', reason: code === undefined ? `http-${statusCode}` : `jpush-${code}` };
  }
  if (statusCode >= 400) return { kind: 'rejected', reason: code === undefined ? `http-${statusCode}` : `jpush-${code}` };
  return { kind: 'retry', reason: `unexpected-status-${statusCode}` };
}

/** Whether a 1003 answer names the registration ids (so one bad token spoils the whole batch). */
export function isIllegalRegistrationId(code: number | undefined, message: string): boolean {
  return code === 1003 && /registration[_ ]?id/i.test(message);
}
