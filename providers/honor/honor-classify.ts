import type { SendOutcome } from '../provider.js';

/**
 * Honor result codes. Third-party clients treat `code == 200` as success (reference §6); the error
 * codes below follow Huawei's, from which Honor's service was split ([mem]: Honor's own table was not
 * verified).
 */
export const HONOR_CODE = {
  success: 200,
  allTokensInvalid: 80300007,
} as const;

/** Access token invalid or expired: refresh, then retry once. */
export const HONOR_REFRESH_CODES: ReadonlySet<number> = new Set([80200001, 80200003]);
const TRANSIENT_CODES: ReadonlySet<number> = new Set([80100017, 81000001]);
const CONFIG_CODES: ReadonlySet<number> = new Set([80300002, 80300011]);

/**
 * Maps a failed Honor answer to an outcome for every target: 80300007 → invalid-token; 80200001/3 and
 * 401 → auth-error (after the adapter's one refresh); app permission codes, 403 → auth-error; 5xx, 429
 * and transient codes → retry (Retry-After when given); others → rejected.
 */
export function classifyHonorError(statusCode: number, code: number | undefined, retryAfterMs?: number): SendOutcome {
  const reason = code === undefined ? `http-${statusCode}` : `honor-${code}`;
  if (code === HONOR_CODE.allTokensInvalid) return { kind: 'invalid-token', reason };
  if ((code !== undefined && (HONOR_REFRESH_CODES.has(code) || CONFIG_CODES.has(code))) || statusCode === 401 || statusCode === 403) {
    return { kind: 'auth-error', reason };
  }
  if (statusCode === 429 || statusCode >= 500 || (code !== undefined && TRANSIENT_CODES.has(code))) {
    return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  }
  return { kind: 'rejected', reason };
}
