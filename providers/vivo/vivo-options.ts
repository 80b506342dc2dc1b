import { OptionReader } from '../resilience/option-reader.js';

export const VIVO_DEFAULT_ENDPOINT = 'https://api-push.vivo.com.cn';

/** Validated vivo Push settings of one app. */
export interface VivoSettings {
  appId: string;
  appKey: string;
  /** Secret: only ever inside the auth request's md5 signature. */
  appSecret: string;
  endpoint: URL;
  /** `pushMode`: false sends test messages (to test devices only). Default true. */
  production: boolean;
  /** `classification`: 0 operational (daily quota, time window), 1 system (IM, orders...). Default 1. */
  classification: 0 | 1;
  /** `category` vivo requires for system messages (IM, ACCOUNT, ORDER, ...); none when absent. */
  category?: string | undefined;
  callbackUrl?: URL | undefined;
  callbackSecret?: string | undefined;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/**
 * Reads and checks an app's `providers.vivo` block: `appId`, `appKey`, `appSecret`, optional `endpoint`,
 * `production`, `classification`, `category`, `callbackUrl` with `callbackSecret`, `ca` / `caFile`,
 * `timeoutMs` (default 10,000), `connections` (default 4). Throws ConfigError naming the field.
 */
export function readVivoSettings(options: Record<string, unknown>, basePath: string): VivoSettings {
  const reader = new OptionReader(options, basePath);
  const callbackUrl = reader.optionalUrl('callbackUrl');
  const callbackSecret = reader.optionalString('callbackSecret', /^[A-Za-z0-9_-]{16,64}$/, 'use 16 to 64 letters, digits, _ or -');
  if (callbackUrl !== undefined && callbackSecret === undefined) {
    reader.fail('callbackSecret', 'is required with callbackUrl (vivo does not sign receipts)', 'set callbackSecret to a random string of 16 to 64 characters');
  }
  const appId = reader.requiredString('appId', 'copy the numeric APP ID from the vivo push console', /^\d{1,20}$/);
  return {
    appId,
    appKey: reader.requiredString('appKey', 'copy the APP KEY from the vivo push console'),
    appSecret: reader.requiredString('appSecret', 'copy the APP SECRET from the vivo push console'),
    endpoint: reader.optionalUrl('endpoint') ?? new URL(VIVO_DEFAULT_ENDPOINT),
    production: reader.optionalBoolean('production') ?? true,
    classification: (reader.optionalInteger('classification', 0, 1) ?? 1) as 0 | 1,
    category: reader.optionalString('category', /^[A-Z_]{2,32}$/, 'use a vivo category such as IM, ACCOUNT or ORDER'),
    callbackUrl,
    callbackSecret,
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 256) ?? 4,
  };
}
