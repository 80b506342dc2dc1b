import { timingSafeEqual } from 'node:crypto';
import { ReceiptSignatureError } from './receipt-errors.js';

/**
 * Xiaomi, vivo and OPPO do not sign their receipt callbacks. The adapters therefore put a per-app
 * secret into the callback URL they send with each message (`?pmx=<secret>`); the receipt parsers
 * refuse a callback whose URL does not carry it. The URL travels only between pushmux and the
 * provider over HTTPS, so it proves the caller got it from the provider (or from us).
 */
export const CALLBACK_SECRET_PARAM = 'pmx';

/** `url` with the secret added as a query parameter (kept short: vivo allows 128 characters). */
export function withCallbackSecret(url: URL, secret: string | undefined): string {
  if (secret === undefined) return url.href;
  const copy = new URL(url.href);
  copy.searchParams.set(CALLBACK_SECRET_PARAM, secret);
  return copy.href;
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Throws {@link ReceiptSignatureError} unless `url` carries `secret` as its callback secret. */
export function verifyCallbackSecret(provider: string, url: string, secret: string): void {
  let given: string | null;
  try {
    given = new URL(url, 'https://placeholder.invalid').searchParams.get(CALLBACK_SECRET_PARAM);
  } catch {
    given = null;
  }
  if (given === null || given === '') throw new ReceiptSignatureError(provider, 'missing', `the callback URL carries no ${CALLBACK_SECRET_PARAM} secret`);
  if (!safeEqual(given, secret)) throw new ReceiptSignatureError(provider, 'mismatch', 'the callback URL secret does not match');
}
