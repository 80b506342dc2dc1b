/**
 * `pushmux check-config` and the CLI's usage errors, through the real entry (a child process):
 * "ok" and a summary for a good file, the ConfigError and exit code 2 for a broken one, no secret printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'pushmux-cli-'));
const APP_KEY = 'app-key-from-env-0123456789';
const REDIS_PASSWORD = 'redis-pass-secret';

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/pushmux.ts', ...args], {
    env: { ...process.env, PUSHMUX_CONFIG: '', PUSHMUX_URL: '', PUSHMUX_KEY: '', PUSHMUX_DEMO_KEY: '', REDIS_URL: '', PORT: '', HOST: '', ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const GOOD = `
server:
  port: 9090
redis:
  url: redis://pushmux:${REDIS_PASSWORD}@redis:6379
apps:
  shop:
    apiKeys:
      - { name: backend, key: "\${SHOP_KEY}", scopes: [send, devices] }
    providers:
      fcm: { sandbox: {} }
      xiaomi: { sandbox: { deliveryRate: 0.95 } }
    rules:
      - { match: { platform: android, brand: xiaomi }, prefer: [xiaomi] }
`;

describe('pushmux check-config', { timeout: 60_000 }, () => {
  it('prints ok and a summary of a good file, without its secrets', () => {
    const r = cli(['check-config', '--config', file('good.yml', GOOD)], { SHOP_KEY: APP_KEY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('ok');
    expect(r.stdout).toContain('server: 0.0.0.0:9090');
    expect(r.stdout).toContain('shop:');
    expect(r.stdout).toContain('fcm (sandbox), xiaomi (sandbox)');
    expect(r.stdout).toContain('backend [send,devices]');
    expect(r.stdout).toContain('redis://pushmux:***@redis:6379');
    expect(r.stdout).not.toContain(APP_KEY);
    expect(r.stdout).not.toContain(REDIS_PASSWORD);
  });

  it('reads PUSHMUX_CONFIG when --config is absent, and applies the env overrides like the gateway', () => {
    const r = cli(['check-config'], { PUSHMUX_CONFIG: file('good-env.yml', GOOD), SHOP_KEY: APP_KEY, PORT: '7070' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('server: 0.0.0.0:7070');
  });

  it('answers the ConfigError and exit code 2 for a broken file', () => {
    const broken = file('broken.yml', 'apps:\n  shop:\n    apiKeys:\n      - { key: short, scopes: [send] }\n');
    const r = cli(['check-config', '--config', broken]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^pushmux: config apps\.shop\.apiKeys\[0\]\.key: .*Fix: use an API key of at least 16 random characters/);
  });

  it('shows an app\'s SMS cost per text, and refuses a negative one naming the field', () => {
    const sms = (cost: string) => `${GOOD}    sms:\n      costPerMessage: ${cost}\n      sandbox: {}\n`;
    const good = cli(['check-config', '--config', file('sms-good.yml', sms('0.15'))], { SHOP_KEY: APP_KEY });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('sms: sandbox, cost per text 0.15');
    const bad = cli(['check-config', '--config', file('sms-bad.yml', sms('-1'))], { SHOP_KEY: APP_KEY });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^pushmux: config apps\.shop\.sms\.costPerMessage: must be >= 0/);
  });

  it('names a missing environment reference, invalid YAML and an unreadable file', () => {
    expect(cli(['check-config', '--config', file('good2.yml', GOOD)]).stderr).toContain('refers to environment variable SHOP_KEY, which is not set');
    const yaml = cli(['check-config', '--config', file('yaml.yml', 'apps: [\n')]);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toContain('is not valid YAML');
    const missing = cli(['check-config', '--config', join(dir, 'nope.yml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});

describe('pushmux usage', { timeout: 60_000 }, () => {
  it('prints usage and exits 2 without a command or with an unknown one', () => {
    const none = cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: pushmux <command>');
    const unknown = cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('answers --help with exit code 0', () => {
    const r = cli(['send', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: pushmux send');
    expect(cli(['help', 'devices']).stdout).toContain('pushmux devices get');
  });

  it('refuses unknown options and missing arguments with exit code 2', () => {
    expect(cli(['scores', '--app', 'shop', '--colour', 'red']).code).toBe(2);
    const noKey = cli(['scores', '--app', 'shop']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('no API key');
    const noRecipients = cli(['send', '--app', 'shop', '--title', 'x'], { PUSHMUX_KEY: APP_KEY });
    expect(noRecipients.code).toBe(2);
    expect(noRecipients.stderr).toContain('--device ID or --user ID');
    expect(noRecipients.stderr).not.toContain(APP_KEY);
  });
});
