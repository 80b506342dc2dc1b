import type { PushMessage } from '../provider.js';

/** Key of the notification id in `extras`, so the app can ack it and drop a second copy. */
export const JPUSH_NOTIFICATION_ID_KEY = 'notificationId';

/** JPush's maximum TTL on standard plans: 3 days. */
const MAX_TTL_SECONDS = 3 * 24 * 3600;

/** The message content, the same for every device: `notification` for alerts, `message` for data-only. */
export interface JPushContent {
  notification?: Record<string, unknown>;
  message?: Record<string, unknown>;
}

/**
 * Builds the content part of a v3 push. An alert becomes a notification for Android and iOS with the
 * data as `extras`; a data-only message becomes a JPush custom message (delivered to the app, not shown)
 * plus an iOS `content-available` background notification.
 */
export function buildJPushContent(message: PushMessage): JPushContent {
  const extras = { ...message.data, [JPUSH_NOTIFICATION_ID_KEY]: message.notificationId };
  if (message.title === undefined && message.body === undefined) {
    return {
      notification: { ios: { alert: '', 'content-available': true, extras } },
      message: { msg_content: message.notificationId, content_type: 'application/json', extras },
    };
  }
  const alert = message.body ?? message.title ?? '';
  return {
    notification: {
      android: { alert, ...(message.title !== undefined ? { title: message.title } : {}), extras },
      ios: {
        alert: { ...(message.title !== undefined ? { title: message.title } : {}), body: alert },
        sound: 'default',
        extras,
      },
    },
  };
}

/** Seconds left to live, capped by JPush's maximum and by the message expiry. */
export function jpushTimeToLive(message: PushMessage, nowMs: number = Date.now()): number {
  const untilExpiry = Math.floor((message.expiresAt - nowMs) / 1000);
  return Math.max(0, Math.min(message.ttlSeconds, untilExpiry, MAX_TTL_SECONDS));
}

/**
 * The whole v3 push body as JSON text for one batch of registration ids (≤ 1,000) of the given
 * platforms.
 */
export function buildJPushBody(
  message: PushMessage,
  content: JPushContent,
  registrationIds: readonly string[],
  platforms: readonly ('android' | 'ios')[],
  apnsProduction: boolean,
  nowMs: number = Date.now(),
): string {
  const options: Record<string, unknown> = {
    time_to_live: jpushTimeToLive(message, nowMs),
    apns_production: apnsProduction,
  };
  if (message.collapseKey !== undefined) options.apns_collapse_id = message.collapseKey;
  return JSON.stringify({
    platform: platforms,
    audience: { registration_id: registrationIds },
    ...contentFor(content, platforms),
    options,
  });
}

/** Drops the per-platform parts a batch does not target (JPush refuses keys of absent platforms). */
export function contentFor(content: JPushContent, platforms: readonly ('android' | 'ios')[]): JPushContent {
  const result: JPushContent = {};
  if (content.notification) {
    const notification = { ...content.notification };
    if (!platforms.includes('android')) delete notification.android;
    if (!platforms.includes('ios')) delete notification.ios;
    if (Object.keys(notification).length > 0) result.notification = notification;
  }
  // Custom messages exist on both platforms; iOS gets them only while the app runs.
  if (content.message) result.message = content.message;
  return result;
}
