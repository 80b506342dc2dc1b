import { verifyCallbackSecret } from './callback-secret.js';
import { ReceiptFormatError } from './receipt-errors.js';
import type { ReceiptEvent, ReceiptInput } from './receipt-event.js';

/** vivo does not sign receipts: the callback URL carries the secret the adapter added. */
export interface VivoReceiptSecrets {
  callbackSecret: string;
}

/**
 * Parses a vivo delivery receipt: a JSON POST keyed by taskId,
 * `{"<taskId>":{"param":"<callback.param>","targets":"regId1,regId2"}}` ([mem]: the field names are
 * from vivo's server API document as remembered, not verified against a capture). vivo sends receipts
 * for arrivals only, so every target is `delivered`; `param` is the notification id (the adapter's
 * `extra["callback.param"]`). An array of `{taskId, param, targets}` is read the same way.
 */
export function parseVivoReceipt(input: ReceiptInput, secrets: VivoReceiptSecrets): ReceiptEvent[] {
  verifyCallbackSecret('vivo', input.url, secrets.callbackSecret);
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.rawBody);
  } catch {
    throw new ReceiptFormatError('vivo', 'body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new ReceiptFormatError('vivo', 'body is not an object keyed by taskId');
  const entries: [string | undefined, unknown][] = Array.isArray(parsed)
    ? parsed.map((item: unknown) => [typeof (item as { taskId?: unknown })?.taskId === 'string' ? (item as { taskId: string }).taskId : undefined, item])
    : Object.entries(parsed as Record<string, unknown>);
  const events: ReceiptEvent[] = [];
  for (const [taskId, value] of entries) {
    const item = (value ?? {}) as { param?: unknown; targets?: unknown; ackTime?: unknown };
    const targets = typeof item.targets === 'string' ? item.targets.split(',').map((t) => t.trim()).filter((t) => t !== '') : [];
    for (const token of targets.length > 0 ? targets : [undefined]) {
      const event: ReceiptEvent = { provider: 'vivo', status: 'delivered', raw: value };
      if (taskId !== undefined) event.providerMessageId = taskId;
      if (token !== undefined) event.token = token;
      if (typeof item.param === 'string' && item.param !== '') event.notificationId = item.param;
      if (typeof item.ackTime === 'number') event.at = item.ackTime;
      events.push(event);
    }
  }
  return events;
}
