import { OptionReader } from '../resilience/option-reader.js';

export const HMS_DEFAULT_ENDPOINT = 'https://push-api.cloud.huawei.com';
export const HMS_DEFAULT_TOKEN_URL = 'https://oauth-login.cloud.huawei.com/oauth2/v3/token';

/** Validated Huawei Push Kit settings of one app. */
export interface HmsSettings {
  /** OAuth client id; also the app id in the v1 send path. */
  clientId: string;
  /** Secret: only ever in the token request body. */
  clientSecret: string;
  /** Push API origin (regional hosts, a proxy, or a mock). */
  endpoint: URL;
  /** OAuth token endpoint. */
  tokenUrl: URL;
  /** `android.receipt_id`: which receipt configuration of AppGallery Connect gets the callbacks. */
  receiptId?: string | undefined;
  /** `android.category` for messages that need one (IM, VOIP, ...); default none. */
  category?: string | undefined;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/**
 * Reads and checks an app's `providers.hms` block: `clientId` (numeric, as AppGallery Connect shows
 * it), `clientSecret`, optional `endpoint`, `tokenUrl`, `receiptId`, `category`, `ca` / `caFile`,
 * `timeoutMs` (default 10,000), `connections` (default 4). Throws ConfigError naming the field.
 */
export function readHmsSettings(options: Record<string, unknown>, basePath: string): HmsSettings {
  const reader = new OptionReader(options, basePath);
  return {
    clientId: reader.requiredString('clientId', 'copy the OAuth 2.0 client ID (the app ID, digits only) from AppGallery Connect', /^\d{5,20}$/),
    clientSecret: reader.requiredString('clientSecret', 'copy the OAuth 2.0 client secret from AppGallery Connect'),
    endpoint: reader.optionalUrl('endpoint') ?? new URL(HMS_DEFAULT_ENDPOINT),
    tokenUrl: reader.optionalUrl('tokenUrl') ?? new URL(HMS_DEFAULT_TOKEN_URL),
    receiptId: reader.optionalString('receiptId'),
    category: reader.optionalString('category', /^[A-Z_]{2,32}$/, 'use a Huawei category such as IM, VOIP, SUBSCRIPTION'),
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 256) ?? 4,
  };
}
