import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, loadConfig } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/errors/index.js';
import { testConfigObject } from '../../support/gateway.js';

const env = { vars: {} };

function expectConfigError(run: () => unknown, path: string, problem: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
    expect((error as ConfigError).message).toMatch(problem);
    expect((error as ConfigError).message).toContain('Fix:');
    return;
  }
  throw new Error('expected a ConfigError');
}

function writeTemp(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'pushmux-config-')), 'pushmux.yaml');
  writeFileSync(path, text);
  return path;
}

describe('config', () => {
  it('builds the embedded default with a generated demo key when no apps are configured', () => {
    const loaded = buildConfig({}, env);
    expect(loaded.generatedDemoKey).toMatch(/^pmx_demo_/);
    expect(loaded.config.apps.demo?.apiKeys[0]?.key).toBe(loaded.generatedDemoKey);
    expect(Object.keys(loaded.config.apps.demo?.providers ?? {})).toContain('xiaomi');
    expect(loaded.config.server.port).toBe(8080);
    expect(loaded.config.redis.url).toBeUndefined();
    expect(Object.isFrozen(loaded.config.apps)).toBe(true);
  });

  it('uses PUSHMUX_DEMO_KEY for the demo app and applies PORT and REDIS_URL overrides', () => {
    const loaded = buildConfig({}, { vars: {}, demoKey: 'my-demo-key-0123456789', port: '9090', redisUrl: 'redis://127.0.0.1:6390' });
    expect(loaded.generatedDemoKey).toBeUndefined();
    expect(loaded.config.apps.demo?.apiKeys[0]?.key).toBe('my-demo-key-0123456789');
    expect(loaded.config.server.port).toBe(9090);
    expect(loaded.config.redis.url).toBe('redis://127.0.0.1:6390');
  });

  it('fills defaults inside apps and provider sandboxes', () => {
    const { config } = buildConfig(testConfigObject(), env);
    expect(config.apps.shop?.defaults.ttlSeconds).toBe(86_400);
    expect(config.apps.other?.providers.fcm?.sandbox?.latencyMs).toEqual({ min: 20, max: 200 });
  });

  it('resolves ${NAME} references from the environment and names the field when one is missing', () => {
    const raw = testConfigObject();
    (raw.apps as any).shop.apiKeys[0].key = '${SHOP_SEND_KEY}';
    const { config } = buildConfig(raw, { vars: { SHOP_SEND_KEY: 'from-env-0123456789abcdef' } });
    expect(config.apps.shop?.apiKeys[0]?.key).toBe('from-env-0123456789abcdef');
    expectConfigError(() => buildConfig(testConfigObjectWith('${NOPE_KEY}'), env), 'apps.shop.apiKeys[0].key', /NOPE_KEY/);
  });

  it('names the field and the fix for schema errors', () => {
    expectConfigError(() => buildConfig({ ...testConfigObject(), servr: {} }, env), 'servr', /not a known setting/);
    expectConfigError(() => buildConfig(testConfigObjectWith('short'), env), 'apps.shop.apiKeys[0].key', /at least 16|characters/);
    expectConfigError(() => buildConfig({ ...testConfigObject(), server: { port: 'eighty' } }, env), 'server.port', /integer/);
  });

  it('rejects unknown providers, unknown rule channels, reused keys and bad app ids', () => {
    const unknownProvider = testConfigObject();
    (unknownProvider.apps as any).shop.providers.pigeon = { sandbox: {} };
    expectConfigError(() => buildConfig(unknownProvider, env), 'apps.shop.providers.pigeon', /not a provider/);
    const badRule = testConfigObject();
    (badRule.apps as any).shop.rules = [{ match: { brand: 'x' }, prefer: ['carrier-pigeon'] }];
    expectConfigError(() => buildConfig(badRule, env), 'apps.shop.rules[0]', /carrier-pigeon/);
    const ownRule = (rule: Record<string, unknown>) => {
      const raw = testConfigObject();
      (raw.apps as any).shop.rules = [{ match: { brand: 'x' }, ...rule }];
      return raw;
    };
    // deny, allow and pin decide whether the own channels are in a plan; prefer cannot move them.
    for (const rule of [{ deny: ['sms', 'longconn'] }, { allow: ['fcm', 'sms'] }, { pin: 'sms' }, { pin: 'longconn' }]) {
      expect(() => buildConfig(ownRule(rule), env)).not.toThrow();
    }
    expectConfigError(() => buildConfig(ownRule({ prefer: ['fcm', 'sms'] }), env), 'apps.shop.rules[0].prefer[1]', /expected utility.*Fix: remove sms from prefer.*costPerMessage/);
    expectConfigError(() => buildConfig(ownRule({ prefer: ['longconn'] }), env), 'apps.shop.rules[0].prefer[0]', /Fix: remove longconn from prefer.*pin: longconn/);
    const reused = testConfigObject();
    (reused.apps as any).other.apiKeys[0].key = (reused.apps as any).shop.apiKeys[0].key;
    expectConfigError(() => buildConfig(reused, env), 'apps.other.apiKeys[0].key', /also used/);
    const badId = testConfigObject();
    (badId.apps as any)['Bad App'] = (badId.apps as any).other;
    expect(() => buildConfig(badId, env)).toThrow(ConfigError);
  });

  it('takes an app\'s SMS cost per message and names the field when it is not a number >= 0', () => {
    const withSms = (costPerMessage: unknown): Record<string, unknown> => {
      const raw = testConfigObject();
      (raw.apps as any).shop.sms = { sandbox: {}, costPerMessage };
      return raw;
    };
    expect(buildConfig(withSms(0.1), env).config.apps.shop?.sms?.costPerMessage).toBe(0.1);
    expect(buildConfig(withSms(undefined), env).config.apps.shop?.sms?.costPerMessage).toBeUndefined();
    expectConfigError(() => buildConfig(withSms(-0.2), env), 'apps.shop.sms.costPerMessage', />= 0.*delivery-probability units/);
    expectConfigError(() => buildConfig(withSms('5 cents'), env), 'apps.shop.sms.costPerMessage', /number/);
    expectConfigError(() => buildConfig(withSms(Number.POSITIVE_INFINITY), env), 'apps.shop.sms.costPerMessage', /number/);
  });

  it('tunes the long connection from its connect section and checks how the options fit together', () => {
    const tuned = buildConfig({ ...testConfigObject(), connect: { heartbeatIntervalMs: 10_000, idleTimeoutMs: 25_000, frameBurst: 500 } }, env).config;
    expect(tuned.connect).toEqual({ heartbeatIntervalMs: 10_000, idleTimeoutMs: 25_000, frameBurst: 500 });
    expectConfigError(() => buildConfig({ ...testConfigObject(), connect: { heartbeatIntervalMs: 30_000, idleTimeoutMs: 20_000 } }, env), 'connect.idleTimeoutMs', /longer than heartbeatIntervalMs/);
    expectConfigError(() => buildConfig({ ...testConfigObject(), connect: { frameBurst: 10 } }, env), 'connect.frameBurst', /inboxMaxMessages/);
    expectConfigError(() => buildConfig({ ...testConfigObject(), connect: { nodeId: 'fixed' } }, env), 'connect.nodeId', /not a known setting/);
  });

  it('reports an unreadable file, invalid YAML and a bad PORT', () => {
    expectConfigError(() => loadConfig({ vars: {}, configPath: '/nonexistent/pushmux.yaml' }), 'PUSHMUX_CONFIG', /cannot read/);
    const bad = writeTemp('apps: [unclosed');
    expectConfigError(() => loadConfig({ vars: {}, configPath: bad }), bad, /not valid YAML/);
    expectConfigError(() => buildConfig({}, { vars: {}, port: 'x' }), 'PORT', /not a TCP port/);
  });

  it('loads a YAML file', () => {
    const path = writeTemp(`
apps:
  web:
    apiKeys:
      - key: yaml-key-0123456789abcdef
        scopes: [send, devices]
    providers:
      fcm: { sandbox: { deliveryRate: 0.5 } }
`);
    const loaded = loadConfig({ vars: {}, configPath: path });
    expect(loaded.source).toBe(path);
    expect(loaded.config.apps.web?.providers.fcm?.sandbox?.deliveryRate).toBe(0.5);
  });
});

function testConfigObjectWith(sendKey: string): Record<string, unknown> {
  const raw = testConfigObject();
  (raw.apps as any).shop.apiKeys[0].key = sendKey;
  return raw;
}
