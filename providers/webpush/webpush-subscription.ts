import type { PushSubscription } from 'web-push';

/**
 * Reads a device token of the `webpush` channel: the JSON-serialised PushSubscription
 * `{"endpoint":"https://...","keys":{"p256dh":"...","auth":"..."}}` as the browser's
 * `subscription.toJSON()` gives it. Answers undefined for anything else.
 */
export function parseSubscription(token: string): PushSubscription | undefined {
  let value: unknown;
  try {
    value = JSON.parse(token);
  } catch {
    return undefined;
  }
  const sub = value as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } } | null;
  if (typeof sub?.endpoint !== 'string' || typeof sub.keys?.p256dh !== 'string' || typeof sub.keys.auth !== 'string') return undefined;
  try {
    if (new URL(sub.endpoint).protocol !== 'https:') return undefined;
  } catch {
    return undefined;
  }
  return { endpoint: sub.endpoint, keys: { p256dh: sub.keys.p256dh, auth: sub.keys.auth } };
}

/** Whether `endpoint`'s host is one of `hosts` or a subdomain of one. */
export function isAllowedEndpoint(endpoint: string, hosts: readonly string[]): boolean {
  const url = new URL(endpoint);
  const host = url.hostname.toLowerCase();
  const hostPort = url.port === '' ? host : `${host}:${url.port}`;
  return hosts.some((allowed) => host === allowed || hostPort === allowed || host.endsWith(`.${allowed}`));
}
