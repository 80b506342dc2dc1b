import { createPrivateKey } from 'node:crypto';
import { OptionReader } from '../resilience/option-reader.js';

/** Apple's hosts (apns2 `Host`), as origins. */
export const APNS_PRODUCTION_ENDPOINT = 'https://api.push.apple.com';
export const APNS_SANDBOX_ENDPOINT = 'https://api.sandbox.push.apple.com';

/** Validated APNs settings of one app. */
export interface ApnsSettings {
  teamId: string;
  keyId: string;
  /** Bundle id: the `apns-topic`. */
  topic: string;
  /** The `.p8` key (PKCS#8 PEM). Secret: never logged. */
  signingKey: string;
  productionEndpoint: URL;
  sandboxEndpoint: URL;
  /** Environment of devices that do not say (`PushTarget.sandbox` undefined); default production. */
  production: boolean;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
  maxConcurrentStreams: number;
}

const APPLE_ID = /^[A-Z0-9]{10}$/;

/**
 * Reads and checks an app's `providers.apns` block:
 * `teamId`, `keyId` (10 characters each), `topic`, `key` (PEM text) or `keyFile` (path to the .p8),
 * optional `endpoint` / `sandboxEndpoint` (origins; defaults Apple's), `production` (default true),
 * `ca` / `caFile`, `timeoutMs` (default 10,000), `connections` (default 2), `maxConcurrentStreams`
 * (default 500). Throws ConfigError naming the field.
 */
export function readApnsSettings(options: Record<string, unknown>, basePath: string): ApnsSettings {
  const reader: OptionReader = new OptionReader(options, basePath);
  const teamId = reader.requiredString('teamId', 'copy the 10-character Team ID from your Apple developer account', APPLE_ID);
  const keyId = reader.requiredString('keyId', 'copy the 10-character Key ID of the .p8 auth key', APPLE_ID);
  const topic = reader.requiredString('topic', "set it to the app's bundle id, e.g. com.example.app");
  const signingKey = reader.inlineOrFile('key', 'keyFile', 'APNs .p8 auth key (PEM)');
  try {
    const key = createPrivateKey(signingKey);
    const details = key.asymmetricKeyDetails;
    if (key.asymmetricKeyType !== 'ec' || (details?.namedCurve !== undefined && details.namedCurve !== 'prime256v1')) {
      throw new Error('not a P-256 key');
    }
  } catch {
    const field = reader.has('key') ? 'key' : 'keyFile';
    reader.fail(field, 'is not a P-256 private key in PEM form', 'use the AuthKey_<KeyID>.p8 file downloaded from Apple');
  }
  const endpoint = reader.optionalUrl('endpoint') ?? new URL(APNS_PRODUCTION_ENDPOINT);
  const sandboxEndpoint = reader.optionalUrl('sandboxEndpoint') ?? new URL(APNS_SANDBOX_ENDPOINT);
  for (const [field, url] of [['endpoint', endpoint], ['sandboxEndpoint', sandboxEndpoint]] as const) {
    if (url.protocol !== 'https:') reader.fail(field, 'must be https (APNs is HTTP/2 over TLS)', 'use https://host[:port]');
  }
  return {
    teamId,
    keyId,
    topic,
    signingKey,
    productionEndpoint: endpoint,
    sandboxEndpoint,
    production: reader.optionalBoolean('production') ?? true,
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 64) ?? 2,
    // Half of Apple's 1,000: running at the server's stream limit lost a few streams in load tests
    // (answered only by the timeout); half the limit on two connections lost none.
    maxConcurrentStreams: reader.optionalInteger('maxConcurrentStreams', 1, 1_000) ?? 500,
  };
}
