import type { TokenMessage } from 'firebase-admin/messaging';
import type { PushMessage, PushTarget } from '../provider.js';

/** Key of the notification id in `data`, so the app can ack it and drop a second copy. */
export const FCM_NOTIFICATION_ID_KEY = 'notificationId';

/** FCM's maximum TTL: 28 days. */
const MAX_TTL_SECONDS = 28 * 24 * 3600;

/** Seconds left to live: the TTL, shortened so that FCM never delivers after `expiresAt`. */
export function remainingTtlSeconds(message: PushMessage, nowMs: number = Date.now()): number {
  const untilExpiry = Math.floor((message.expiresAt - nowMs) / 1000);
  return Math.max(0, Math.min(message.ttlSeconds, untilExpiry, MAX_TTL_SECONDS));
}

/** The part of the message that is the same for every device: what FCM's 4 KB limit counts. */
export function buildFcmBody(message: PushMessage): Pick<TokenMessage, 'data' | 'notification'> {
  const body: Pick<TokenMessage, 'data' | 'notification'> = {
    data: { ...message.data, [FCM_NOTIFICATION_ID_KEY]: message.notificationId },
  };
  if (message.title !== undefined || message.body !== undefined) {
    body.notification = {
      ...(message.title !== undefined ? { title: message.title } : {}),
      ...(message.body !== undefined ? { body: message.body } : {}),
    };
  }
  return body;
}

/**
 * The FCM v1 message for one device: the shared body plus per-platform delivery options — Android
 * priority, TTL (firebase-admin takes milliseconds and writes `"<s>s"`) and collapse key; for iOS devices
 * reached through FCM, the equivalent APNs headers; for web, the Web Push TTL and urgency.
 */
export function buildFcmMessage(message: PushMessage, body: Pick<TokenMessage, 'data' | 'notification'>, target: PushTarget, nowMs: number = Date.now()): TokenMessage {
  const ttlSeconds = remainingTtlSeconds(message, nowMs);
  const high = message.priority === 'high';
  const fcm: TokenMessage = {
    token: target.token,
    ...body,
    android: {
      priority: high ? 'high' : 'normal',
      ttl: ttlSeconds * 1000,
      ...(message.collapseKey !== undefined ? { collapseKey: message.collapseKey } : {}),
    },
  };
  if (target.platform === 'ios') {
    fcm.apns = {
      headers: {
        'apns-priority': high && body.notification !== undefined ? '10' : '5',
        'apns-expiration': String(ttlSeconds === 0 ? 0 : Math.floor(message.expiresAt / 1000)),
        ...(message.collapseKey !== undefined ? { 'apns-collapse-id': message.collapseKey } : {}),
      },
      ...(body.notification === undefined ? { payload: { aps: { contentAvailable: true } } } : {}),
    };
  } else if (target.platform === 'web') {
    fcm.webpush = {
      headers: {
        TTL: String(ttlSeconds),
        Urgency: high ? 'high' : 'normal',
        ...(message.collapseKey !== undefined ? { Topic: message.collapseKey.slice(0, 32) } : {}),
      },
    };
  }
  return fcm;
}
