import type { SendOutcome } from '../provider.js';

/** Codes that mean this number can never get our SMS. */
const INVALID_NUMBER_CODES: ReadonlySet<string> = new Set(['isv.MOBILE_NUMBER_ILLEGAL', 'isv.MOBILE_COUNT_OVER_LIMIT', 'isv.BLACK_KEY_CONTROL_LIMIT']);
/** Per-number or per-account throttling, and Alibaba's own trouble. */
const RETRY_CODES: ReadonlySet<string> = new Set(['isv.BUSINESS_LIMIT_CONTROL', 'isp.SYSTEM_ERROR', 'isp.RAM_PERMISSION_DENY_TEMP', 'Throttling', 'Throttling.User', 'ServiceUnavailable', 'InternalError']);
/** Per-number daily limit: retry tomorrow (Alibaba's day is Beijing time). */
const DAILY_CODES: ReadonlySet<string> = new Set(['isv.DAY_LIMIT_CONTROL']);
/** Our key, balance, signature name or template. */
const AUTH_CODES: ReadonlySet<string> = new Set([
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId.NotFound',
  'InvalidAccessKeyId.Inactive',
  'Forbidden.RAM',
  'isv.AMOUNT_NOT_ENOUGH',
  'isv.OUT_OF_SERVICE',
  'isv.ACCOUNT_NOT_EXISTS',
  'isv.ACCOUNT_ABNORMAL',
  'isv.SMS_SIGNATURE_ILLEGAL',
  'isv.SMS_TEMPLATE_ILLEGAL',
  'isv.SMS_SIGN_ILLEGAL',
  'isv.TEMPLATE_MISSING_PARAMETERS',
]);

function msUntilBeijingMidnight(nowMs: number): number {
  const day = 24 * 3600_000;
  return day - ((nowMs + 8 * 3600_000) % day);
}

/**
 * Maps a SendSms answer's `Code` (anything but `OK`) to an outcome: an illegal number → invalid-token;
 * per-number throttling, throttling and system errors, 5xx → retry (the daily per-number limit until
 * midnight Beijing time); key, signature, balance, sign name and template problems → auth-error;
 * everything else → rejected. The codes are from Alibaba's error table as remembered ([mem]).
 */
export function classifyAliyunError(statusCode: number, code: string | undefined, nowMs: number = Date.now()): SendOutcome {
  const reason = code === undefined ? `http-${statusCode}` : `aliyun-${code}`;
  if (code !== undefined && INVALID_NUMBER_CODES.has(code)) return { kind: 'invalid-token', reason };
  if (code !== undefined && DAILY_CODES.has(code)) return { kind: 'retry', reason, retryAfterMs: msUntilBeijingMidnight(nowMs) };
  if ((code !== undefined && RETRY_CODES.has(code)) || statusCode === 429 || statusCode >= 500) return { kind: 'retry', reason };
  if ((code !== undefined && AUTH_CODES.has(code)) || statusCode === 401 || statusCode === 403) return { kind: 'auth-error', reason };
  return { kind: 'rejected', reason };
}
