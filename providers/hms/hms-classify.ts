import type { SendOutcome } from '../provider.js';

/** Push Kit result codes (reference §4). */
export const HMS_CODE = {
  success: '80000000',
  partial: '80100000',
  allTokensInvalid: '80300007',
  authError: '80200001',
  tokenExpired: '80200003',
  jwtExpired: '80200005',
} as const;

/** Codes after which a fresh access token may succeed. */
export const HMS_REFRESH_CODES: ReadonlySet<string> = new Set([HMS_CODE.authError, HMS_CODE.tokenExpired, HMS_CODE.jwtExpired]);
/** On Huawei's side and passing: too many topic tasks, OAuth server trouble, internal error. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['80100017', '80600003', '81000001']);
/** Our app's permissions or receipt configuration. */
const CONFIG_CODES: ReadonlySet<string> = new Set(['80300002', '80300011', '80300013']);

/**
 * Maps a Push Kit answer that is neither success nor partial success to one outcome for every target
 * of the request: 80300007 → invalid-token; 80200001/3/5 and HTTP 401 → auth-error (the adapter has
 * already refreshed once); HTTP 503 (flow control), 502, 500, 429 and the transient codes → retry with
 * Retry-After when given; app permission codes → auth-error; other codes and 4xx → rejected.
 */
export function classifyHmsError(statusCode: number, code: string | undefined, retryAfterMs?: number): SendOutcome {
  const reason = code === undefined ? `http-${statusCode}` : `hms-${code}`;
  if (code === HMS_CODE.allTokensInvalid) return { kind: 'invalid-token', reason };
  if ((code !== undefined && HMS_REFRESH_CODES.has(code)) || statusCode === 401) return { kind: 'auth-error', reason };
  if (code !== undefined && CONFIG_CODES.has(code)) return { kind: 'auth-error', reason };
  if (statusCode === 503 || statusCode === 429 || statusCode >= 500 || (code !== undefined && TRANSIENT_CODES.has(code))) {
    return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  }
  if (statusCode === 403) return { kind: 'auth-error', reason };
  return { kind: 'rejected', reason };
}

/**
 * Reads the illegal tokens of an 80100000 answer, whose `msg` is itself JSON text:
 * `{"success":3,"failure":1,"illegal_tokens":["xxx"]}`. Answers undefined when it cannot be read.
 */
export function parseIllegalTokens(msg: unknown): string[] | undefined {
  if (typeof msg !== 'string') return undefined;
  try {
    const parsed = JSON.parse(msg) as { illegal_tokens?: unknown };
    const tokens = parsed.illegal_tokens;
    return Array.isArray(tokens) ? tokens.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return undefined;
  }
}
