import type { PushMessage } from '../provider.js';
import { withCallbackSecret } from '../receipts/callback-secret.js';
import type { OppoSettings } from './oppo-options.js';

/** Key of the notification id in `action_parameters`, which the app's activity receives. */
export const OPPO_NOTIFICATION_ID_KEY = 'notificationId';
/** OPPO keeps offline messages at most 10 days. */
const MAX_TTL_SECONDS = 10 * 24 * 3600;
/** `call_back_parameter` limit (characters). */
const MAX_CALLBACK_PARAMETER = 100;

function fit(text: string, limit: number): string {
  const chars = [...text];
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

/**
 * The `notification` object of a unicast message. The notification id travels in
 * `action_parameters` (for the app), as `app_message_id` (OPPO drops a second unicast with the same id
 * to the same target, which makes our retries idempotent), and as `call_back_parameter`, which OPPO
 * echoes as `param` in receipts. OPPO carries notifications only: a data-only message has no title.
 */
export function buildOppoNotification(message: PushMessage, settings: Pick<OppoSettings, 'channelId' | 'callbackUrl' | 'callbackSecret'>, nowMs: number = Date.now()): Record<string, unknown> {
  const ttl = Math.max(0, Math.min(message.ttlSeconds, Math.floor((message.expiresAt - nowMs) / 1000), MAX_TTL_SECONDS));
  const notification: Record<string, unknown> = {
    app_message_id: message.notificationId,
    title: fit(message.title ?? message.body ?? '', 50),
    content: fit(message.body ?? message.title ?? '', 200),
    click_action_type: 0,
    action_parameters: JSON.stringify({ ...message.data, [OPPO_NOTIFICATION_ID_KEY]: message.notificationId }),
    off_line: ttl > 0,
    off_line_ttl: ttl,
  };
  if (settings.channelId !== undefined) notification.channel_id = settings.channelId;
  if (settings.callbackUrl !== undefined) {
    notification.call_back_url = withCallbackSecret(settings.callbackUrl, settings.callbackSecret);
    if (message.notificationId.length <= MAX_CALLBACK_PARAMETER) notification.call_back_parameter = message.notificationId;
  }
  return notification;
}

/** One unicast message to a registration id (`target_type` 2). */
export function oppoUnicast(notification: Record<string, unknown>, registrationId: string): Record<string, unknown> {
  return { target_type: 2, target_value: registrationId, notification };
}
