import { Notification, PushType, Priority } from 'apns2';
import type { PushMessage } from '../provider.js';

/** Key of the notification id in every payload, so the app can ack it and drop a second copy. */
export const APNS_NOTIFICATION_ID_KEY = 'notificationId';

/** The JSON body APNs receives: `aps` plus the message data and the notification id at top level. */
export interface ApnsPayload {
  aps: Record<string, unknown>;
  [key: string]: unknown;
}

/** A message without title and body is a background (silent) push that wakes the app. */
export function isBackground(message: PushMessage): boolean {
  return message.title === undefined && message.body === undefined;
}

/** Builds `aps` from the message: an alert, or `content-available` for a background push. */
export function buildApnsPayload(message: PushMessage): ApnsPayload {
  const aps: Record<string, unknown> = {};
  if (isBackground(message)) {
    aps['content-available'] = 1;
  } else {
    const alert: Record<string, string> = {};
    if (message.title !== undefined) alert.title = message.title;
    if (message.body !== undefined) alert.body = message.body;
    aps.alert = alert;
  }
  const payload: ApnsPayload = { aps };
  for (const [key, value] of Object.entries(message.data)) {
    // `aps` is Apple's dictionary; a data key of that name must not replace it.
    if (key !== 'aps') payload[key] = value;
  }
  payload[APNS_NOTIFICATION_ID_KEY] = message.notificationId;
  return payload;
}

/**
 * Builds the apns2 notification for one device: push type, priority (background pushes must use 5),
 * expiration (0 for a TTL of 0: try once, do not store), collapse id and topic.
 */
export function buildApnsNotification(message: PushMessage, payload: ApnsPayload, token: string, topic: string): Notification {
  const background = isBackground(message);
  const { aps, ...data } = payload;
  return new Notification(token, {
    type: background ? PushType.background : PushType.alert,
    priority: background || message.priority === 'normal' ? Priority.throttled : Priority.immediate,
    expiration: message.ttlSeconds === 0 ? 0 : Math.floor(message.expiresAt / 1000),
    ...(message.collapseKey !== undefined ? { collapseId: message.collapseKey } : {}),
    topic,
    aps,
    data,
  });
}
