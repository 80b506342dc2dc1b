/** Builds gateways for tests from small inline configs. */
import { buildConfig } from '../../src/config/index.js';
import type { Environment } from '../../src/config/index.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway.js';

export const SEND_KEY = 'send-key-0123456789abcdef';
export const DEVICES_KEY = 'devices-key-0123456789abcdef';
export const ADMIN_KEY = 'admin-key-0123456789abcdef';
export const OTHER_APP_KEY = 'other-key-0123456789abcdef';

export const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** Two apps: `shop` with sandbox fcm + xiaomi (+ apns), and `other` with one provider. */
export function testConfigObject(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    server: { port: 0, host: '127.0.0.1', bodyLimitBytes: 65_536, logLevel: 'silent' },
    pipeline: { reclaimIdleMs: 2_000, concurrency: 64 },
    apps: {
      shop: {
        apiKeys: [
          { name: 'sender', key: SEND_KEY, scopes: ['send'] },
          { name: 'registrar', key: DEVICES_KEY, scopes: ['devices'] },
          { name: 'ops', key: ADMIN_KEY, scopes: ['admin'] },
        ],
        providers: {
          apns: { sandbox: { acceptRate: 1, deliveryRate: 1 } },
          fcm: { sandbox: { acceptRate: 1, deliveryRate: 1 } },
          xiaomi: { sandbox: { acceptRate: 1, deliveryRate: 1 } },
        },
        rules: [{ match: { platform: 'android', brand: 'xiaomi' }, prefer: ['xiaomi'] }],
      },
      other: {
        apiKeys: [{ key: OTHER_APP_KEY, scopes: ['send', 'devices'] }],
        providers: { fcm: { sandbox: {} } },
      },
    },
    ...extra,
  };
}

export const emptyEnv: Environment = { vars: {} };

export async function testGateway(options: { redisUrl?: string; keyPrefix?: string; config?: Record<string, unknown> } & Omit<GatewayOptions, 'config'> = {}): Promise<Gateway> {
  const raw = options.config ?? testConfigObject();
  if (options.redisUrl) raw.redis = { url: options.redisUrl, keyPrefix: options.keyPrefix ?? 'pmtest' };
  const { config } = buildConfig(raw, emptyEnv);
  // Simulated devices stay silent unless a test asks: acks are what most tests exercise.
  return createGateway({ sandbox: () => ({}), ...options, config, defaultMetrics: false });
}

/** Polls until `check` returns a value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
