import type { PushMessage } from '../provider.js';
import { withCallbackSecret } from '../receipts/callback-secret.js';
import type { VivoSettings } from './vivo-options.js';

/** Key of the notification id in `clientCustomMap`, which the app receives. */
export const VIVO_NOTIFICATION_ID_KEY = 'notificationId';
/** vivo keeps messages 900 s at least and 7 days at most. */
export const VIVO_MIN_TTL_SECONDS = 900;
const MAX_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Whether the message lives long enough for vivo: vivo refuses a TTL under 900 s, and raising it would
 * let vivo deliver after the message expired, which no provider may do.
 */
export function vivoCanCarry(message: PushMessage, nowMs: number = Date.now()): boolean {
  return Math.min(message.ttlSeconds, Math.floor((message.expiresAt - nowMs) / 1000)) >= VIVO_MIN_TTL_SECONDS;
}
/** `callback.param` limit, characters. */
const MAX_CALLBACK_PARAM = 64;

/** Cuts `text` to `width` units, vivo counting a CJK character as two. */
function fitWidth(text: string, width: number): string {
  let used = 0;
  let out = '';
  for (const char of text) {
    const w = (char.codePointAt(0) ?? 0) > 0xff ? 2 : 1;
    if (used + w > width) return out;
    used += w;
    out += char;
  }
  return out;
}

/**
 * The message fields shared by `/message/send` and `/message/saveListPayload` (no regId, no
 * requestId). The notification id travels in `clientCustomMap` (for the app) and as
 * `extra["callback.param"]`, which vivo echoes as `param` in receipts. A TTL under vivo's 900-second
 * minimum is raised to it (the adapter does not send such messages: see {@link vivoCanCarry}). vivo
 * carries notifications only.
 */
export function buildVivoMessage(message: PushMessage, settings: Pick<VivoSettings, 'appId' | 'production' | 'classification' | 'category' | 'callbackUrl' | 'callbackSecret'>, nowMs: number = Date.now()): Record<string, unknown> {
  const ttl = Math.max(VIVO_MIN_TTL_SECONDS, Math.min(message.ttlSeconds, Math.floor((message.expiresAt - nowMs) / 1000), MAX_TTL_SECONDS));
  const body: Record<string, unknown> = {
    appId: settings.appId,
    notifyType: 4,
    title: fitWidth(message.title ?? message.body ?? '', 40),
    content: fitWidth(message.body ?? message.title ?? '', 100),
    timeToLive: ttl,
    skipType: 1,
    networkType: -1,
    classification: settings.classification,
    pushMode: settings.production ? 0 : 1,
    clientCustomMap: { ...message.data, [VIVO_NOTIFICATION_ID_KEY]: message.notificationId },
  };
  if (settings.category !== undefined) body.category = settings.category;
  if (settings.callbackUrl !== undefined) {
    const extra: Record<string, string> = { callback: withCallbackSecret(settings.callbackUrl, settings.callbackSecret) };
    if (message.notificationId.length <= MAX_CALLBACK_PARAM) extra['callback.param'] = message.notificationId;
    body.extra = extra;
  }
  return body;
}
