import { OptionReader } from '../resilience/option-reader.js';

export const HONOR_DEFAULT_ENDPOINT = 'https://push-api.cloud.honor.com';
export const HONOR_DEFAULT_TOKEN_URL = 'https://iam.developer.honor.com/auth/token';

/** Validated Honor Push settings of one app. */
export interface HonorSettings {
  /** App id in the send path. */
  appId: string;
  clientId: string;
  /** Secret: only ever in the token request body. */
  clientSecret: string;
  endpoint: URL;
  tokenUrl: URL;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/**
 * Reads and checks an app's `providers.honor` block: `appId`, `clientId`, `clientSecret`, optional
 * `endpoint`, `tokenUrl`, `ca` / `caFile`, `timeoutMs` (default 10,000), `connections` (default 4).
 * Throws ConfigError naming the field.
 */
export function readHonorSettings(options: Record<string, unknown>, basePath: string): HonorSettings {
  const reader = new OptionReader(options, basePath);
  return {
    appId: reader.requiredString('appId', 'copy the App ID from the Honor developer console (digits)', /^\d{5,20}$/),
    clientId: reader.requiredString('clientId', 'copy the Client ID from the Honor developer console'),
    clientSecret: reader.requiredString('clientSecret', 'copy the Client Secret from the Honor developer console'),
    endpoint: reader.optionalUrl('endpoint') ?? new URL(HONOR_DEFAULT_ENDPOINT),
    tokenUrl: reader.optionalUrl('tokenUrl') ?? new URL(HONOR_DEFAULT_TOKEN_URL),
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 256) ?? 4,
  };
}
