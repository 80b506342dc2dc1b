import { verifyCallbackSecret } from './callback-secret.js';
import { ReceiptFormatError } from './receipt-errors.js';
import type { ReceiptEvent, ReceiptInput, ReceiptStatus } from './receipt-event.js';

/** OPPO does not sign receipts: the callback URL carries the secret the adapter added. */
export interface OppoReceiptSecrets {
  callbackSecret: string;
}

function statusOf(eventType: unknown): ReceiptStatus {
  switch (eventType) {
    case 'push_arrive':
      return 'delivered';
    case 'regid_invalid':
      return 'invalid-token';
    case 'push_click':
    case 'click':
      return 'clicked';
    case 'user_daily_limit':
    case 'push_daily_limit':
      return 'failed';
    default:
      return 'other';
  }
}

/**
 * Parses an OPPO receipt: a JSON array POSTed to `call_back_url`,
 * `[{"messageId","appId","taskId","registrationIds":"r1, r2","eventTime","param","eventType"}]`
 * (OPPO's receipt guide). `param` is the notification id (the adapter's `call_back_parameter`).
 * `push_arrive` → delivered; `regid_invalid` → invalid-token ([mem]); click events → clicked; daily-limit
 * events → failed; others → other.
 */
export function parseOppoReceipt(input: ReceiptInput, secrets: OppoReceiptSecrets): ReceiptEvent[] {
  verifyCallbackSecret('oppo', input.url, secrets.callbackSecret);
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.rawBody);
  } catch {
    throw new ReceiptFormatError('oppo', 'body is not JSON');
  }
  const items = Array.isArray(parsed) ? parsed : typeof parsed === 'object' && parsed !== null ? [parsed] : undefined;
  if (items === undefined) throw new ReceiptFormatError('oppo', 'body is not an array of events');
  const events: ReceiptEvent[] = [];
  for (const value of items) {
    const item = (value ?? {}) as { messageId?: unknown; registrationIds?: unknown; eventTime?: unknown; param?: unknown; eventType?: unknown };
    const tokens = typeof item.registrationIds === 'string' ? item.registrationIds.split(',').map((t) => t.trim()).filter((t) => t !== '') : [];
    const at = typeof item.eventTime === 'number' ? item.eventTime : typeof item.eventTime === 'string' && /^\d+$/.test(item.eventTime) ? Number(item.eventTime) : undefined;
    for (const token of tokens.length > 0 ? tokens : [undefined]) {
      const event: ReceiptEvent = { provider: 'oppo', status: statusOf(item.eventType), raw: value };
      if (typeof item.messageId === 'string') event.providerMessageId = item.messageId;
      if (token !== undefined) event.token = token;
      if (typeof item.param === 'string' && item.param !== '') event.notificationId = item.param;
      if (at !== undefined) event.at = at;
      events.push(event);
    }
  }
  return events;
}
