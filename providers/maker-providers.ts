/**
 * The factory for the phone makers' channels and Web Push, the sibling of `live-providers.ts`: validates
 * one provider block (throwing ConfigError that names `apps.<app>.providers.<name>.<field>` and the fix,
 * never a secret), builds the adapter and wraps it in the resilience layer exactly as
 * `createLiveProvider` does.
 */
import { HmsProvider, readHmsSettings } from './hms/index.js';
import { HonorProvider, readHonorSettings } from './honor/index.js';
import type { LiveProviderContext } from './live-providers.js';
import { OppoProvider, readOppoSettings } from './oppo/index.js';
import { VivoProvider, readVivoSettings } from './vivo/index.js';
import { WebPushProvider, readWebPushSettings } from './webpush/index.js';
import { XiaomiProvider, readXiaomiSettings } from './xiaomi/index.js';
import type { Provider } from './provider.js';
import { OptionReader, ResilientProvider, readResilienceOptions, type ProviderLogger, type ResilienceDefaults } from './resilience/index.js';

/** The channels this factory builds. */
export const MAKER_PROVIDER_NAMES = ['hms', 'xiaomi', 'oppo', 'vivo', 'honor', 'webpush'] as const;
export type MakerProviderName = (typeof MAKER_PROVIDER_NAMES)[number];

/** Option keys of the resilience layer, accepted on every provider block. */
const RESILIENCE_KEYS = ['timeoutMs', 'maxAttempts', 'concurrency', 'queueLimit', 'ratePerMinute', 'breakerThreshold', 'halfOpenAfterMs'];

/** Keys each adapter understands; anything else is probably a typo and gets a warning. */
const KNOWN_KEYS: Record<MakerProviderName, readonly string[]> = {
  hms: ['clientId', 'clientSecret', 'endpoint', 'tokenUrl', 'receiptId', 'category', 'ca', 'caFile', 'connections'],
  xiaomi: ['appSecret', 'packageName', 'endpoint', 'callbackUrl', 'callbackSecret', 'callbackType', 'channelId', 'ca', 'caFile', 'connections'],
  oppo: ['appKey', 'masterSecret', 'endpoint', 'channelId', 'callbackUrl', 'callbackSecret', 'ca', 'caFile', 'connections'],
  vivo: ['appId', 'appKey', 'appSecret', 'endpoint', 'production', 'classification', 'category', 'callbackUrl', 'callbackSecret', 'ca', 'caFile', 'connections'],
  honor: ['appId', 'clientId', 'clientSecret', 'endpoint', 'tokenUrl', 'ca', 'caFile', 'connections'],
  webpush: ['vapidSubject', 'vapidPublicKey', 'vapidPrivateKey', 'endpointHosts', 'ca', 'caFile', 'connections'],
};

/** Channel-specific defaults of the resilience layer. */
const RESILIENCE_DEFAULTS: Record<MakerProviderName, ResilienceDefaults> = {
  // One call carries up to 1,000 tokens; Huawei's QPS quota answers 503 beyond it.
  hms: { timeoutMs: 10_000, concurrency: 16 },
  xiaomi: { timeoutMs: 10_000, concurrency: 16 },
  oppo: { timeoutMs: 10_000, concurrency: 16 },
  vivo: { timeoutMs: 10_000, concurrency: 16 },
  honor: { timeoutMs: 10_000, concurrency: 16 },
  webpush: { timeoutMs: 10_000, concurrency: 256 },
};

function warnUnknownKeys(name: MakerProviderName, options: Record<string, unknown>, basePath: string, logger: ProviderLogger | undefined): void {
  const known = new Set([...KNOWN_KEYS[name], ...RESILIENCE_KEYS]);
  const unknown = Object.keys(options).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    logger?.warn({ path: basePath, keys: unknown }, `unknown keys in ${basePath} are ignored; check their spelling`);
  }
}

function buildAdapter(name: MakerProviderName, reader: OptionReader, options: Record<string, unknown>, ctx: LiveProviderContext): Provider {
  const context = { appId: ctx.appId, logger: ctx.logger };
  switch (name) {
    case 'hms':
      return new HmsProvider(readHmsSettings(options, reader.basePath), context);
    case 'xiaomi':
      return new XiaomiProvider(readXiaomiSettings(options, reader.basePath), context);
    case 'oppo':
      return new OppoProvider(readOppoSettings(options, reader.basePath), context);
    case 'vivo':
      return new VivoProvider(readVivoSettings(options, reader.basePath), context);
    case 'honor':
      return new HonorProvider(readHonorSettings(options, reader.basePath), context);
    case 'webpush':
      return new WebPushProvider(readWebPushSettings(options, reader.basePath), context);
  }
}

/**
 * Builds the live provider `name` for `ctx.appId` from its config block, wrapped in
 * {@link ResilientProvider}. Throws ConfigError on a bad or missing option.
 *
 * Per provider:
 * - hms: `clientId`, `clientSecret`, `endpoint`?, `tokenUrl`?, `receiptId`?, `category`?, `ca` | `caFile`?,
 *   `connections`?
 * - xiaomi: `appSecret`, `packageName`, `endpoint`?, `callbackUrl`? with `callbackSecret`, `callbackType`?
 *   (default 19), `channelId`?, `ca` | `caFile`?, `connections`?
 * - oppo: `appKey`, `masterSecret`, `endpoint`?, `channelId`?, `callbackUrl`? with `callbackSecret`,
 *   `ca` | `caFile`?, `connections`?
 * - vivo: `appId`, `appKey`, `appSecret`, `endpoint`?, `production`? (default true), `classification`?
 *   (default 1, system), `category`?, `callbackUrl`? with `callbackSecret`, `ca` | `caFile`?, `connections`?
 * - honor: `appId`, `clientId`, `clientSecret`, `endpoint`?, `tokenUrl`?, `ca` | `caFile`?, `connections`?
 * - webpush: `vapidSubject`, `vapidPublicKey`, `vapidPrivateKey`, `endpointHosts`? (default the browsers'
 *   push services), `ca` | `caFile`?, `connections`? (per push-service origin)
 * - every provider: `timeoutMs`, `maxAttempts`, `concurrency`, `queueLimit`, `ratePerMinute`,
 *   `breakerThreshold`, `halfOpenAfterMs` (see ResilienceOptions).
 */
export function createMakerProvider(name: MakerProviderName, options: Record<string, unknown>, ctx: LiveProviderContext): Provider {
  const basePath = `apps.${ctx.appId}.providers.${name}`;
  const reader = new OptionReader(options, basePath);
  const defaults = RESILIENCE_DEFAULTS[name];
  // Read before the adapter opens its pools, so a bad knob leaves nothing open behind the ConfigError.
  const resilience = readResilienceOptions(reader, ctx.appId, defaults);
  const adapter = buildAdapter(name, reader, options, ctx);
  warnUnknownKeys(name, options, basePath, ctx.logger);
  // The adapter's own deadline fires first and classifies; this one is the backstop.
  resilience.timeoutMs = (resilience.timeoutMs ?? defaults.timeoutMs) + 1_000;
  if (ctx.hooks) resilience.hooks = ctx.hooks;
  return new ResilientProvider(adapter, resilience);
}
