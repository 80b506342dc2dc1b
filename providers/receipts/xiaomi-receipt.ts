import { verifyCallbackSecret } from './callback-secret.js';
import { ReceiptFormatError } from './receipt-errors.js';
import type { ReceiptEvent, ReceiptInput, ReceiptStatus } from './receipt-event.js';

/** Xiaomi does not sign receipts: the callback URL carries the secret the adapter added. */
export interface XiaomiReceiptSecrets {
  callbackSecret: string;
}

/** `extra.callback.type` bits (reference §5). */
export const XIAOMI_RECEIPT_TYPE = { delivered: 1, clicked: 2, invalidTarget: 16, pushDisabled: 32, filterMismatch: 64, dailyLimit: 128 } as const;

function statusOf(type: number | undefined): ReceiptStatus {
  if (type === undefined) return 'other';
  if (type & XIAOMI_RECEIPT_TYPE.invalidTarget) return 'invalid-token';
  if (type & (XIAOMI_RECEIPT_TYPE.pushDisabled | XIAOMI_RECEIPT_TYPE.filterMismatch | XIAOMI_RECEIPT_TYPE.dailyLimit)) return 'failed';
  if (type & XIAOMI_RECEIPT_TYPE.delivered) return 'delivered';
  if (type & XIAOMI_RECEIPT_TYPE.clicked) return 'clicked';
  return 'other';
}

/**
 * Parses a MiPush receipt: a form POST whose single field `data` holds JSON keyed by msgId,
 * `{"<msgId>":{"param","type","targets":"r1,r2","jobkey","barStatus","timestamp"}}`, one event per
 * target. `param` is the notification id (the adapter's `extra.callback.param`). Type 1 → delivered,
 * 2 → clicked, 16 (invalid target) → invalid-token, 32/64/128 → failed. Throws ReceiptSignatureError when
 * the URL lacks the callback secret, ReceiptFormatError when `data` cannot be read.
 */
export function parseXiaomiReceipt(input: ReceiptInput, secrets: XiaomiReceiptSecrets): ReceiptEvent[] {
  verifyCallbackSecret('xiaomi', input.url, secrets.callbackSecret);
  const data = new URLSearchParams(input.rawBody).get('data');
  if (data === null) throw new ReceiptFormatError('xiaomi', 'no data field');
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new ReceiptFormatError('xiaomi', 'data is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ReceiptFormatError('xiaomi', 'data is not an object keyed by msgId');
  const events: ReceiptEvent[] = [];
  for (const [msgId, value] of Object.entries(parsed as Record<string, unknown>)) {
    const item = (value ?? {}) as { param?: unknown; type?: unknown; targets?: unknown; timestamp?: unknown };
    const type = typeof item.type === 'number' ? item.type : typeof item.type === 'string' && /^\d+$/.test(item.type) ? Number(item.type) : undefined;
    const at = typeof item.timestamp === 'number' ? item.timestamp : typeof item.timestamp === 'string' && /^\d+$/.test(item.timestamp) ? Number(item.timestamp) : undefined;
    const targets = typeof item.targets === 'string' ? item.targets.split(',').map((t) => t.trim()).filter((t) => t !== '') : [];
    for (const token of targets.length > 0 ? targets : [undefined]) {
      const event: ReceiptEvent = { provider: 'xiaomi', providerMessageId: msgId, status: statusOf(type), raw: value };
      if (token !== undefined) event.token = token;
      if (typeof item.param === 'string' && item.param !== '') event.notificationId = item.param;
      if (at !== undefined) event.at = at;
      events.push(event);
    }
  }
  return events;
}
