import type { PushMessage } from '../provider.js';

/** Key of the notification id in `message.data`, so the app can ack it and drop a second copy. */
export const HMS_NOTIFICATION_ID_KEY = 'notificationId';
/** Push Kit's maximum TTL: 15 days. */
const MAX_TTL_SECONDS = 15 * 24 * 3600;

export interface HmsPayloadOptions {
  receiptId?: string | undefined;
  category?: string | undefined;
}

/** Seconds left to live, capped by Push Kit's maximum and by the message expiry. */
export function hmsTtlSeconds(message: PushMessage, nowMs: number = Date.now()): number {
  const untilExpiry = Math.floor((message.expiresAt - nowMs) / 1000);
  return Math.max(0, Math.min(message.ttlSeconds, untilExpiry, MAX_TTL_SECONDS));
}

/**
 * The `message` object of a v1 send without its `token` list. The notification id travels twice:
 * inside `data` (a JSON string, for the app) and as `android.bi_tag`, which Huawei echoes as `biTag` in
 * every delivery receipt, so a receipt names its notification without a lookup. An alert becomes an
 * Android notification opening the app (click_action type 3); a data-only message is pass-through.
 */
export function buildHmsMessage(message: PushMessage, options: HmsPayloadOptions = {}, nowMs: number = Date.now()): Record<string, unknown> {
  const android: Record<string, unknown> = {
    urgency: message.priority === 'high' ? 'HIGH' : 'NORMAL',
    ttl: `${hmsTtlSeconds(message, nowMs)}s`,
    bi_tag: message.notificationId,
  };
  if (options.receiptId !== undefined) android.receipt_id = options.receiptId;
  if (options.category !== undefined) android.category = options.category;
  if (message.title !== undefined || message.body !== undefined) {
    const notification: Record<string, unknown> = { click_action: { type: 3 } };
    if (message.title !== undefined) notification.title = message.title;
    if (message.body !== undefined) notification.body = message.body;
    // Same collapse key, same tag: the newer notification replaces the older one on the device.
    if (message.collapseKey !== undefined) notification.tag = message.collapseKey;
    android.notification = notification;
  }
  return {
    data: JSON.stringify({ ...message.data, [HMS_NOTIFICATION_ID_KEY]: message.notificationId }),
    android,
  };
}

/** The whole v1 send body for one batch of tokens (≤ 1,000). */
export function buildHmsBody(hmsMessage: Record<string, unknown>, tokens: readonly string[]): string {
  return JSON.stringify({ validate_only: false, message: { ...hmsMessage, token: tokens } });
}
