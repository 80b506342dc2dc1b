import webpush from 'web-push';
import { OptionReader } from '../resilience/option-reader.js';

/**
 * Hosts of the browsers' push services. A subscription is registered by a device, so its endpoint is
 * caller input: only these hosts (and their subdomains) are called unless the app widens the list,
 * which keeps the gateway from being pointed at internal addresses.
 */
export const WEBPUSH_DEFAULT_HOSTS: readonly string[] = [
  'fcm.googleapis.com',
  'android.googleapis.com',
  'push.services.mozilla.com',
  'notify.windows.com',
  'push.apple.com',
];

/** Validated Web Push settings of one app. */
export interface WebPushSettings {
  vapidSubject: string;
  vapidPublicKey: string;
  /** Secret: only ever the JWT signing key. */
  vapidPrivateKey: string;
  /** Endpoint hosts allowed (suffix match on a dot boundary). */
  endpointHosts: readonly string[];
  ca?: string | undefined;
  timeoutMs: number;
  /** Keep-alive connections per push-service origin. */
  connections: number;
}

/**
 * Reads and checks an app's `providers.webpush` block: `vapidSubject` (mailto: or https: URL),
 * `vapidPublicKey`, `vapidPrivateKey` (URL-safe Base64, as `web-push generate-vapid-keys` prints
 * them), optional `endpointHosts`, `ca` / `caFile`, `timeoutMs` (default 10,000), `connections`
 * (default 8). The keys are checked by signing a test header now, so a bad key fails at startup.
 */
export function readWebPushSettings(options: Record<string, unknown>, basePath: string): WebPushSettings {
  const reader = new OptionReader(options, basePath);
  const vapidSubject = reader.requiredString('vapidSubject', 'set a contact: mailto:ops@example.com or https://example.com', /^(mailto:|https:\/\/)\S+$/);
  const vapidPublicKey = reader.requiredString('vapidPublicKey', 'paste the public key from `npx web-push generate-vapid-keys`', /^[A-Za-z0-9_-]{80,90}$/);
  const vapidPrivateKey = reader.requiredString('vapidPrivateKey', 'paste the private key from `npx web-push generate-vapid-keys`', /^[A-Za-z0-9_-]{40,50}$/);
  try {
    webpush.getVapidHeaders('https://push.example.com', vapidSubject, vapidPublicKey, vapidPrivateKey, 'aes128gcm');
  } catch {
    reader.fail('vapidPrivateKey', 'is not a usable VAPID key (web-push refused the pair)', 'generate a fresh pair with `npx web-push generate-vapid-keys`');
  }
  let endpointHosts: readonly string[] = WEBPUSH_DEFAULT_HOSTS;
  if (reader.has('endpointHosts')) {
    const raw = reader.raw('endpointHosts');
    if (!Array.isArray(raw) || raw.length === 0 || raw.some((h) => typeof h !== 'string' || !/^[A-Za-z0-9.:-]+$/.test(h))) {
      reader.fail('endpointHosts', 'must be a non-empty list of host names', 'list the push-service hosts to allow, e.g. [fcm.googleapis.com]');
    }
    endpointHosts = (raw as string[]).map((h) => h.toLowerCase());
  }
  return {
    vapidSubject,
    vapidPublicKey,
    vapidPrivateKey,
    endpointHosts,
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 256) ?? 8,
  };
}
