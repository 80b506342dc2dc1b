import { OptionReader } from '../resilience/option-reader.js';

export const JPUSH_DEFAULT_ENDPOINT = 'https://api.jpush.cn';
export const JPUSH_DEFAULT_REPORT_ENDPOINT = 'https://report.jpush.cn';

/** Validated JPush settings of one app. */
export interface JPushSettings {
  appKey: string;
  /** Secret: never logged. */
  masterSecret: string;
  /** Push API origin (Beijing DC: https://bjapi.push.jiguang.cn). */
  endpoint: URL;
  /** Report API origin, for the receipt poller. */
  reportEndpoint: URL;
  /** `apns_production` for iOS devices that do not say (`PushTarget.sandbox`); default true. */
  apnsProduction: boolean;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/**
 * Reads and checks an app's `providers.jpush` block: `appKey`, `masterSecret` (24 characters each, as
 * the JPush console shows them), optional `endpoint`, `reportEndpoint`, `apnsProduction`, `ca` /
 * `caFile`, `timeoutMs` (default 10,000), `connections` (default 4). Throws ConfigError naming the field.
 */
export function readJPushSettings(options: Record<string, unknown>, basePath: string): JPushSettings {
  const reader: OptionReader = new OptionReader(options, basePath);
  const appKey = reader.requiredString('appKey', 'copy the AppKey from the JPush console (24 hex characters)', /^[0-9a-f]{24}$/i);
  const masterSecret = reader.requiredString('masterSecret', 'copy the Master Secret from the JPush console (24 characters)', /^[0-9a-z]{24}$/i);
  return {
    appKey,
    masterSecret,
    endpoint: reader.optionalUrl('endpoint') ?? new URL(JPUSH_DEFAULT_ENDPOINT),
    reportEndpoint: reader.optionalUrl('reportEndpoint') ?? new URL(JPUSH_DEFAULT_REPORT_ENDPOINT),
    apnsProduction: reader.optionalBoolean('apnsProduction') ?? true,
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 256) ?? 4,
  };
}
