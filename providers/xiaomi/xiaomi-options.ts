import { OptionReader } from '../resilience/option-reader.js';

export const XIAOMI_DEFAULT_ENDPOINT = 'https://api.xmpush.xiaomi.com';

/** Validated Xiaomi MiPush settings of one app. */
export interface XiaomiSettings {
  /** Secret: only ever in the `Authorization: key=` header. */
  appSecret: string;
  /** `restricted_package_name`; v3 accepts a comma-separated list. */
  packageName: string;
  /** API origin (global: https://api.xmpush.global.xiaomi.com; regional hosts; a mock). */
  endpoint: URL;
  /** Where Xiaomi posts delivery receipts (`extra.callback`); none when absent. */
  callbackUrl?: URL | undefined;
  /** Added to `callbackUrl` so the receipt route can tell Xiaomi's calls from forgeries. */
  callbackSecret?: string | undefined;
  /** `extra.callback.type` bitmask; default 19 = delivered (1) + clicked (2) + invalid target (16). */
  callbackType: number;
  /** `extra.channel_id`: the Android notification channel (required on MIUI for some categories). */
  channelId?: string | undefined;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/**
 * Reads and checks an app's `providers.xiaomi` block: `appSecret`, `packageName`, optional `endpoint`,
 * `callbackUrl`, `callbackSecret` (required with callbackUrl), `callbackType`, `channelId`, `ca` /
 * `caFile`, `timeoutMs` (default 10,000), `connections` (default 4). Throws ConfigError naming the field.
 */
export function readXiaomiSettings(options: Record<string, unknown>, basePath: string): XiaomiSettings {
  const reader = new OptionReader(options, basePath);
  const callbackUrl = reader.optionalUrl('callbackUrl');
  const callbackSecret = reader.optionalString('callbackSecret', /^[A-Za-z0-9_-]{16,64}$/, 'use 16 to 64 letters, digits, _ or -');
  if (callbackUrl !== undefined && callbackSecret === undefined) {
    reader.fail('callbackSecret', 'is required with callbackUrl (Xiaomi does not sign receipts)', 'set callbackSecret to a random string of 16 to 64 characters');
  }
  return {
    appSecret: reader.requiredString('appSecret', 'copy the AppSecret from the Xiaomi push console'),
    packageName: reader.requiredString('packageName', 'set the Android package name(s), comma-separated', /^[A-Za-z0-9_.]+(,[A-Za-z0-9_.]+)*$/),
    endpoint: reader.optionalUrl('endpoint') ?? new URL(XIAOMI_DEFAULT_ENDPOINT),
    callbackUrl,
    callbackSecret,
    callbackType: reader.optionalInteger('callbackType', 1, 255) ?? 19,
    channelId: reader.optionalString('channelId'),
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 256) ?? 4,
  };
}
