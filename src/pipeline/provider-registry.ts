/**
 * Builds each app's providers from config, once at start-up: sandbox entries become simulated
 * providers, the rest go to the live adapter factory, which validates their credentials.
 */
import { PROVIDER_NAMES, type Provider, type ProviderName } from '../../providers/provider.js';
import { SandboxProvider, type SandboxDeps } from '../../providers/sandbox/index.js';
import type { GatewayConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';

/** Builds a live adapter; throws ConfigError on bad options (see providers/live-providers.ts). */
export type LiveProviderFactory = (name: ProviderName, options: Record<string, unknown>, ctx: { appId: string }) => Provider;

export interface ProviderRegistryOptions {
  createLive?: LiveProviderFactory;
  /** Sandbox simulation hooks (delivery receipts, random source). */
  sandbox?: (appId: string) => SandboxDeps;
  /** Wraps every provider (resilience policies, instrumentation). */
  decorate?: (appId: string, provider: Provider) => Provider;
}

export class ProviderRegistry {
  private readonly byApp = new Map<string, Map<ProviderName, Provider>>();
  /** Apps running at least one simulated provider: start-up says so loudly. */
  readonly sandboxed: { app: string; provider: ProviderName }[] = [];

  constructor(config: GatewayConfig, options: ProviderRegistryOptions = {}) {
    for (const [appId, app] of Object.entries(config.apps)) {
      const providers = new Map<ProviderName, Provider>();
      for (const [rawName, entry] of Object.entries(app.providers)) {
        const name = rawName as ProviderName;
        if (!PROVIDER_NAMES.includes(name)) continue; // rejected by config validation already
        let provider: Provider;
        if (entry.sandbox) {
          provider = new SandboxProvider(name, entry.sandbox, options.sandbox?.(appId));
          this.sandboxed.push({ app: appId, provider: name });
        } else if (options.createLive) {
          const { sandbox: _omit, ...live } = entry;
          provider = options.createLive(name, live, { appId });
        } else {
          throw new ConfigError(`apps.${appId}.providers.${name}`, 'has no sandbox section and no live adapter is available',
            'add `sandbox: {}` to simulate it, or configure its credentials');
        }
        providers.set(name, options.decorate ? options.decorate(appId, provider) : provider);
      }
      this.byApp.set(appId, providers);
    }
  }

  /** The app's providers in config order. */
  forApp(appId: string): ReadonlyMap<ProviderName, Provider> {
    return this.byApp.get(appId) ?? new Map();
  }

  async close(): Promise<void> {
    const all = [...this.byApp.values()].flatMap((m) => [...m.values()]);
    await Promise.allSettled(all.map((p) => p.close()));
  }
}
