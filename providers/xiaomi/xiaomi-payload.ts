import type { PushMessage } from '../provider.js';
import { withCallbackSecret } from '../receipts/callback-secret.js';
import type { XiaomiSettings } from './xiaomi-options.js';

/** Key of the notification id in the payload JSON and in `extra`. */
export const XIAOMI_NOTIFICATION_ID_KEY = 'notificationId';
/** MiPush keeps offline messages at most two weeks. */
const MAX_TTL_MS = 14 * 24 * 3600_000;
/** Xiaomi's `extra.callback.param` limit. */
const MAX_CALLBACK_PARAM_BYTES = 64;

/** Cuts `text` to fewer than `limit` characters (Xiaomi counts characters, not bytes). */
function fit(text: string, limit: number): string {
  const chars = [...text];
  return chars.length < limit ? text : `${chars.slice(0, limit - 2).join('')}…`;
}

/** A stable positive int from the collapse key: the same `notify_id` replaces the earlier notification. */
function notifyId(collapseKey: string): number {
  let hash = 0;
  for (const char of collapseKey) hash = (Math.imul(hash, 31) + (char.codePointAt(0) ?? 0)) | 0;
  return Math.abs(hash) % 2_147_483_647;
}

/** Milliseconds left to live, capped by MiPush's two weeks and the message expiry. */
export function xiaomiTtlMs(message: PushMessage, nowMs: number = Date.now()): number {
  return Math.max(0, Math.min(message.ttlSeconds * 1000, message.expiresAt - nowMs, MAX_TTL_MS));
}

/**
 * The form fields of a `/v3/message/regid` request without `registration_id`. The notification id
 * travels in the payload JSON and in `extra.notificationId` (for the app), and as
 * `extra.callback.param`, which Xiaomi echoes as `param` in every receipt, so a receipt names its
 * notification without a lookup. The payload is URL-encoded before form encoding, as MiPush requires.
 */
export function buildXiaomiFields(message: PushMessage, settings: Pick<XiaomiSettings, 'packageName' | 'callbackUrl' | 'callbackSecret' | 'callbackType' | 'channelId'>, nowMs: number = Date.now()): Record<string, string> {
  const payload = JSON.stringify({ ...message.data, [XIAOMI_NOTIFICATION_ID_KEY]: message.notificationId });
  const alert = message.title !== undefined || message.body !== undefined;
  const fields: Record<string, string> = {
    payload: encodeURIComponent(payload),
    restricted_package_name: settings.packageName,
    pass_through: alert ? '0' : '1',
    notify_type: '-1',
    time_to_live: String(xiaomiTtlMs(message, nowMs)),
    [`extra.${XIAOMI_NOTIFICATION_ID_KEY}`]: message.notificationId,
  };
  if (alert) {
    // Both are required for a notification; an empty one falls back to the other.
    fields.title = fit(message.title ?? message.body ?? '', 50);
    fields.description = fit(message.body ?? message.title ?? '', 128);
    fields['extra.notify_effect'] = '1';
  }
  if (message.collapseKey !== undefined) fields.notify_id = String(notifyId(message.collapseKey));
  if (settings.channelId !== undefined) fields['extra.channel_id'] = settings.channelId;
  if (settings.callbackUrl !== undefined) {
    fields['extra.callback'] = withCallbackSecret(settings.callbackUrl, settings.callbackSecret);
    fields['extra.callback.type'] = String(settings.callbackType);
    if (Buffer.byteLength(message.notificationId) <= MAX_CALLBACK_PARAM_BYTES) fields['extra.callback.param'] = message.notificationId;
  }
  return fields;
}

/** The form body for one batch of regids (≤ 1,000). */
export function buildXiaomiBody(fields: Record<string, string>, regids: readonly string[]): string {
  return new URLSearchParams({ ...fields, registration_id: regids.join(',') }).toString();
}
