import { createHmac } from 'node:crypto';
import { safeEqual } from './callback-secret.js';
import { ReceiptFormatError, ReceiptSignatureError } from './receipt-errors.js';
import { headerValue, type ReceiptEvent, type ReceiptInput, type ReceiptStatus } from './receipt-event.js';

/** What verifies a Huawei receipt: the callback user name and key configured in AppGallery Connect. */
export interface HuaweiReceiptSecrets {
  callbackUser: string;
  callbackSecret: string;
  /**
   * How the key bytes come from `callbackSecret`: Huawei's sample decodes new keys from Base64 and used
   * the UTF-8 bytes for old ones. `auto` (default) accepts either.
   */
  secretEncoding?: 'base64' | 'utf8' | 'auto';
  /** Oldest accepted `timestamp`, as a distance from `now`; default 5 minutes. */
  maxSkewMs?: number;
  /** Clock, for tests. */
  now?: number;
}

/** Receipt statuses after which Huawei advises dropping the token (app uninstalled, token of another user, notifications off, inactive 30 days, send-controlled). */
export const HUAWEI_DEAD_TOKEN_STATUSES: ReadonlySet<number> = new Set([2, 5, 6, 10, 201]);
/** Statuses that mean this message was not shown (other error, unsupported page, frequency control, profile missing, refused). */
const FAILED_STATUSES: ReadonlySet<number> = new Set([14, 22, 31, 102, 144, 256, 259]);

/** The body Huawei expects back for a receipt it may stop resending. */
export const HUAWEI_RECEIPT_ANSWER = { code: '0', message: 'success' } as const;

function parseCallbackId(value: string): { timestamp: string; nonce: string; signature: string } | undefined {
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const timestamp = parts.get('timestamp');
  const nonce = parts.get('nonce');
  const signature = parts.get('value');
  return timestamp && nonce && signature ? { timestamp, nonce, signature } : undefined;
}

function keys(secret: string, encoding: HuaweiReceiptSecrets['secretEncoding']): Buffer[] {
  const utf8 = Buffer.from(secret, 'utf8');
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/.test(secret) ? Buffer.from(secret, 'base64') : undefined;
  if (encoding === 'utf8') return [utf8];
  if (encoding === 'base64') return base64 ? [base64] : [];
  return base64 ? [base64, utf8] : [utf8];
}

/**
 * Checks `X-HUAWEI-CALLBACK-ID: timestamp=<ms>;nonce=<uuid>;value=<sig>` where
 * `sig = Base64(HMAC-SHA256(key, timestamp + nonce + callbackUser))` (Huawei's receipt guide and its Java
 * sample). The signature does not cover the body: it proves the caller knows the key, and the timestamp
 * window limits replays of a captured header. Throws {@link ReceiptSignatureError}.
 */
export function verifyHuaweiCallbackId(headers: ReceiptInput['headers'], secrets: HuaweiReceiptSecrets): void {
  const raw = headerValue(headers, 'x-huawei-callback-id');
  if (raw === undefined || raw.trim() === '') throw new ReceiptSignatureError('hms', 'missing', 'no X-HUAWEI-CALLBACK-ID header');
  const parsed = parseCallbackId(raw);
  if (!parsed || !/^\d{9,13}$/.test(parsed.timestamp)) throw new ReceiptSignatureError('hms', 'malformed', 'X-HUAWEI-CALLBACK-ID is not timestamp=;nonce=;value=');
  const message = `${parsed.timestamp}${parsed.nonce}${secrets.callbackUser}`;
  const valid = keys(secrets.callbackSecret, secrets.secretEncoding).some((key) => safeEqual(createHmac('sha256', key).update(message, 'utf8').digest('base64'), parsed.signature));
  if (!valid) throw new ReceiptSignatureError('hms', 'mismatch', 'X-HUAWEI-CALLBACK-ID value does not match');
  // Huawei sends milliseconds; a seconds value (seen in some integrations) is read as such.
  const stamp = Number(parsed.timestamp);
  const atMs = stamp < 1e12 ? stamp * 1000 : stamp;
  if (Math.abs((secrets.now ?? Date.now()) - atMs) > (secrets.maxSkewMs ?? 5 * 60_000)) {
    throw new ReceiptSignatureError('hms', 'stale', 'X-HUAWEI-CALLBACK-ID timestamp is outside the accepted window');
  }
}

function statusOf(code: number | undefined): ReceiptStatus {
  if (code === 0) return 'delivered';
  if (code === undefined) return 'other';
  if (HUAWEI_DEAD_TOKEN_STATUSES.has(code)) return 'invalid-token';
  if (FAILED_STATUSES.has(code)) return 'failed';
  return 'other';
}

/**
 * Parses a Push Kit receipt callback after verifying its X-HUAWEI-CALLBACK-ID. Both body versions:
 * V1 `{"statuses":[{biTag, appid, token, status, timestamp, requestId}]}` and V2
 * `{"statuses":[{token, biTag, requestId, deliveryStatus:{result, timestamp}}]}`. The adapter sets
 * `android.bi_tag` to the notification id, so `biTag` becomes `notificationId`. Status 0 → delivered;
 * 2, 5, 6, 10, 201 → invalid-token; 14, 22, 31, 102, 144, 256, 259 → failed; others → other. Answer
 * Huawei with {@link HUAWEI_RECEIPT_ANSWER}.
 */
export function parseHuaweiReceipt(input: ReceiptInput, secrets: HuaweiReceiptSecrets): ReceiptEvent[] {
  verifyHuaweiCallbackId(input.headers, secrets);
  let body: { statuses?: unknown };
  try {
    body = JSON.parse(input.rawBody) as { statuses?: unknown };
  } catch {
    throw new ReceiptFormatError('hms', 'body is not JSON');
  }
  if (!Array.isArray(body?.statuses)) throw new ReceiptFormatError('hms', 'body has no statuses array');
  return body.statuses.map((entry: unknown): ReceiptEvent => {
    const item = (entry ?? {}) as { biTag?: unknown; token?: unknown; status?: unknown; timestamp?: unknown; requestId?: unknown; deliveryStatus?: { result?: unknown; timestamp?: unknown } };
    const code = typeof item.status === 'number' ? item.status : typeof item.deliveryStatus?.result === 'number' ? item.deliveryStatus.result : undefined;
    const at = typeof item.timestamp === 'number' ? item.timestamp : typeof item.deliveryStatus?.timestamp === 'number' ? item.deliveryStatus.timestamp : undefined;
    const event: ReceiptEvent = { provider: 'hms', status: statusOf(code), raw: entry };
    if (typeof item.token === 'string') event.token = item.token;
    if (typeof item.biTag === 'string' && item.biTag !== '') event.notificationId = item.biTag;
    if (typeof item.requestId === 'string' && item.requestId !== '') event.providerMessageId = item.requestId;
    if (at !== undefined) event.at = at;
    return event;
  });
}
