import { OptionReader } from '../resilience/option-reader.js';

export const OPPO_DEFAULT_ENDPOINT = 'https://api.push.oppomobile.com';

/** Validated OPPO Push settings of one app. */
export interface OppoSettings {
  appKey: string;
  /** Secret: only ever inside the auth request's sha256 signature. */
  masterSecret: string;
  /** API origin (international: https://api-intl.push.oppomobile.com; a mock). */
  endpoint: URL;
  /** `channel_id`: the Android notification channel (OPPO requires one on Android 8+). */
  channelId?: string | undefined;
  /** Where OPPO posts receipts (`call_back_url`); none when absent. */
  callbackUrl?: URL | undefined;
  callbackSecret?: string | undefined;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/**
 * Reads and checks an app's `providers.oppo` block: `appKey`, `masterSecret`, optional `endpoint`,
 * `channelId`, `callbackUrl` with `callbackSecret`, `ca` / `caFile`, `timeoutMs` (default 10,000),
 * `connections` (default 4). Throws ConfigError naming the field.
 */
export function readOppoSettings(options: Record<string, unknown>, basePath: string): OppoSettings {
  const reader = new OptionReader(options, basePath);
  const callbackUrl = reader.optionalUrl('callbackUrl');
  const callbackSecret = reader.optionalString('callbackSecret', /^[A-Za-z0-9_-]{16,64}$/, 'use 16 to 64 letters, digits, _ or -');
  if (callbackUrl !== undefined && callbackSecret === undefined) {
    reader.fail('callbackSecret', 'is required with callbackUrl (OPPO does not sign receipts)', 'set callbackSecret to a random string of 16 to 64 characters');
  }
  return {
    appKey: reader.requiredString('appKey', 'copy the AppKey from the OPPO push console'),
    masterSecret: reader.requiredString('masterSecret', 'copy the MasterSecret from the OPPO push console'),
    endpoint: reader.optionalUrl('endpoint') ?? new URL(OPPO_DEFAULT_ENDPOINT),
    channelId: reader.optionalString('channelId'),
    callbackUrl,
    callbackSecret,
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 256) ?? 4,
  };
}
