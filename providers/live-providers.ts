/**
 * The factory the provider registry calls for every provider of an app that is not in sandbox mode:
 * validates that provider's options (throwing ConfigError that names the field and the fix), builds the
 * adapter and wraps it in the resilience layer.
 */
import { ConfigError } from '../src/errors/index.js';
import { ApnsProvider, readApnsSettings } from './apns/index.js';
import { FcmProvider, readFcmSettings } from './fcm/index.js';
import { JPushProvider, readJPushSettings } from './jpush/index.js';
import type { Provider, ProviderName } from './provider.js';
import {
  OptionReader,
  ResilientProvider,
  readResilienceOptions,
  type ProviderLogger,
  type ResilienceDefaults,
  type ResilienceHooks,
} from './resilience/index.js';

/** What the registry passes with each provider's options. */
export interface LiveProviderContext {
  appId: string;
  logger?: ProviderLogger;
  /** Metric hooks for attempts and circuit state (the metrics module owns prom-client). */
  hooks?: ResilienceHooks;
}

/** Option keys of the resilience layer, accepted on every provider block. */
const RESILIENCE_KEYS = ['timeoutMs', 'maxAttempts', 'concurrency', 'queueLimit', 'ratePerMinute', 'breakerThreshold', 'halfOpenAfterMs'];

/** Keys each live adapter understands; anything else is probably a typo and gets a warning. */
const KNOWN_KEYS: Partial<Record<ProviderName, readonly string[]>> = {
  apns: ['teamId', 'keyId', 'topic', 'key', 'keyFile', 'endpoint', 'sandboxEndpoint', 'production', 'ca', 'caFile', 'connections', 'maxConcurrentStreams', 'maxBatchSize'],
  fcm: ['projectId', 'serviceAccount', 'serviceAccountFile', 'endpoint', 'tokenUri', 'ca', 'caFile', 'maxSockets'],
  jpush: ['appKey', 'masterSecret', 'endpoint', 'reportEndpoint', 'apnsProduction', 'ca', 'caFile', 'connections'],
};

/** Channel-specific defaults of the resilience layer. */
const RESILIENCE_DEFAULTS: Partial<Record<ProviderName, ResilienceDefaults>> = {
  // HTTP/2 multiplexes: many single-device calls in flight is the normal load (see streamCapacity).
  apns: { timeoutMs: 10_000, concurrency: 1_000 },
  // One call is a sendEach of up to 500 requests.
  fcm: { timeoutMs: 10_000, concurrency: 16 },
  // The free tier allows 600 push calls a minute; a paid plan raises it with ratePerMinute.
  jpush: { timeoutMs: 10_000, concurrency: 8, ratePerMinute: 600 },
};

function warnUnknownKeys(name: ProviderName, options: Record<string, unknown>, basePath: string, logger: ProviderLogger | undefined): void {
  const known = new Set([...(KNOWN_KEYS[name] ?? []), ...RESILIENCE_KEYS]);
  const unknown = Object.keys(options).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    logger?.warn({ path: basePath, keys: unknown }, `unknown keys in ${basePath} are ignored; check their spelling`);
  }
}

/** A validated provider block: its resilience defaults and how to open the adapter. */
interface PreparedAdapter {
  defaults: ResilienceDefaults;
  open(): Provider;
}

/**
 * Validates a provider block without opening anything, so that a bad option found later (a resilience
 * knob) cannot leak a connection pool or a firebase-admin app.
 */
function prepareAdapter(name: ProviderName, reader: OptionReader, options: Record<string, unknown>, ctx: LiveProviderContext): PreparedAdapter {
  const context = { appId: ctx.appId, logger: ctx.logger };
  const defaults = { ...(RESILIENCE_DEFAULTS[name] ?? { timeoutMs: 10_000, concurrency: 100 }) };
  switch (name) {
    case 'apns': {
      const settings = readApnsSettings(options, reader.basePath);
      const maxBatchSize = reader.optionalInteger('maxBatchSize', 1, 1_000) ?? 1;
      // As many calls in flight as the HTTP/2 streams the pool opens: more would queue inside undici,
      // where they cannot time out separately or be counted.
      defaults.concurrency = settings.connections * settings.maxConcurrentStreams;
      return { defaults, open: () => new ApnsProvider(settings, context, { maxBatchSize }) };
    }
    case 'fcm': {
      const settings = readFcmSettings(options, reader.basePath);
      return { defaults, open: () => new FcmProvider(settings, context) };
    }
    case 'jpush': {
      const settings = readJPushSettings(options, reader.basePath);
      return { defaults, open: () => new JPushProvider(settings, context) };
    }
    default:
      throw new ConfigError(reader.basePath, `has no live adapter yet (${name} is only available in sandbox mode)`,
        'add `sandbox: {}` to simulate it, or remove it from the app');
  }
}

/**
 * Builds the live provider `name` for `ctx.appId` from its config block, wrapped in
 * {@link ResilientProvider}. Throws ConfigError on a bad or missing option, naming
 * `apps.<app>.providers.<name>.<field>`; never puts a secret in the message.
 *
 * Per provider:
 * - apns: `teamId`, `keyId`, `topic`, `key` | `keyFile`, `endpoint`?, `sandboxEndpoint`?, `production`?,
 *   `ca` | `caFile`?, `connections`? (2), `maxConcurrentStreams`? (500), `maxBatchSize`? (1);
 *   `concurrency` defaults to connections × maxConcurrentStreams
 * - fcm: `serviceAccount` (object or JSON text) | `serviceAccountFile`, `projectId`? (default the
 *   account's), `endpoint`?, `tokenUri`?, `ca` | `caFile`?, `maxSockets`? (64); `concurrency` 16
 * - jpush: `appKey`, `masterSecret`, `endpoint`?, `reportEndpoint`?, `apnsProduction`?, `ca` | `caFile`?,
 *   `connections`? (4); `ratePerMinute` defaults to 600 (free tier), `concurrency` 8
 * - every provider: `timeoutMs`, `maxAttempts`, `concurrency`, `queueLimit`, `ratePerMinute`,
 *   `breakerThreshold`, `halfOpenAfterMs` (see ResilienceOptions).
 */
export function createLiveProvider(name: ProviderName, options: Record<string, unknown>, ctx: LiveProviderContext): Provider {
  const basePath = `apps.${ctx.appId}.providers.${name}`;
  const reader = new OptionReader(options, basePath);
  const prepared = prepareAdapter(name, reader, options, ctx);
  const resilience = readResilienceOptions(reader, ctx.appId, prepared.defaults);
  warnUnknownKeys(name, options, basePath, ctx.logger);
  // The adapter's own deadline fires first and classifies; this one is the backstop.
  resilience.timeoutMs = (resilience.timeoutMs ?? prepared.defaults.timeoutMs) + 1_000;
  if (ctx.hooks) resilience.hooks = ctx.hooks;
  return new ResilientProvider(prepared.open(), resilience);
}
