import type { PushMessage } from '../provider.js';

/** Key of the notification id in `data`. */
export const HONOR_NOTIFICATION_ID_KEY = 'notificationId';
const MAX_TTL_SECONDS = 15 * 24 * 3600;

/**
 * The sendMessage body without `token`. The notification id travels inside `data` (for the app) and
 * as `android.biTag`, which receipts echo. Honor's body uses camelCase (reference §6).
 */
export function buildHonorMessage(message: PushMessage, nowMs: number = Date.now()): Record<string, unknown> {
  const ttl = Math.max(0, Math.min(message.ttlSeconds, Math.floor((message.expiresAt - nowMs) / 1000), MAX_TTL_SECONDS));
  const android: Record<string, unknown> = { ttl: `${ttl}s`, biTag: message.notificationId };
  const body: Record<string, unknown> = { data: JSON.stringify({ ...message.data, [HONOR_NOTIFICATION_ID_KEY]: message.notificationId }), android };
  if (message.title !== undefined || message.body !== undefined) {
    const notification: Record<string, unknown> = {};
    if (message.title !== undefined) notification.title = message.title;
    if (message.body !== undefined) notification.body = message.body;
    body.notification = notification;
    android.notification = { ...notification, clickAction: { type: 3 }, ...(message.collapseKey === undefined ? {} : { tag: message.collapseKey }) };
  }
  return body;
}
