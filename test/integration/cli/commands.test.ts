/**
 * Every CLI command against a running gateway: send (device and user), scores, devices get/delete in
 * process through runCli on a listening testGateway; then `serve`, `send` and `scores` as child
 * processes, the way an operator runs them. No key is ever printed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import type { Environment } from '../../../src/config/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { auth, DEVICES_KEY, eventually, SEND_KEY, testGateway } from '../../support/gateway.js';
import { freePort } from '../../support/redis-server.js';

let gw: Gateway;
let url: string;
let deviceKey: string;

async function cli(args: string[], env: Partial<Environment> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: { vars: {}, gatewayUrl: url, ...env },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  // sandbox: undefined → the simulated devices ack, so scores fill up.
  gw = await testGateway({ sandbox: undefined });
  url = (await gw.listen()).replace('0.0.0.0', '127.0.0.1');
  const res = await fetch(`${url}/v1/apps/shop/devices/phone-1`, {
    method: 'PUT',
    headers: { ...auth(DEVICES_KEY), 'content-type': 'application/json' },
    body: JSON.stringify({ platform: 'android', brand: 'Xiaomi', model: 'Redmi Note 12', userId: 'alice', tokens: { fcm: 'fcm-1', xiaomi: 'mi-1' } }),
  });
  expect(res.status).toBe(201);
  deviceKey = ((await res.json()) as { deviceKey: string }).deviceKey;
});
afterAll(() => gw.close());

describe('pushmux send', () => {
  it('sends to a device, with data fields, and prints the id', async () => {
    const r = await cli(['send', '--app', 'shop', '--device', 'phone-1', '--title', 'Order shipped', '--body', 'On its way',
      '--data', 'orderId=42', '--data', 'note=a=b', '--key', SEND_KEY]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = /^accepted (\S+): 1 recipient$/m.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    expect(r.stdout).not.toContain(SEND_KEY);
    const status = await (await fetch(`${url}/v1/apps/shop/notifications/${id}`, { headers: auth(SEND_KEY) })).json() as { status: string };
    expect(status.status).toBeDefined();
  });

  it('sends to a user with the key from the environment, and answers JSON with --json', async () => {
    const r = await cli(['send', '--app', 'shop', '--user', 'alice', '--title', 'Hi', '--json'], { apiKey: SEND_KEY });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ recipients: 1 });
  });

  it('names unknown devices', async () => {
    const r = await cli(['send', '--app', 'shop', '--device', 'phone-1', '--device', 'ghost', '--title', 'x'], { apiKey: SEND_KEY });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('unknown devices (not sent): ghost');
  });

  it('exits 1 with the gateway\'s error on a refused key, without printing the key', async () => {
    const r = await cli(['send', '--app', 'shop', '--device', 'phone-1', '--title', 'x'], { apiKey: DEVICES_KEY });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/answered 403 forbidden/);
    expect(r.stderr + r.stdout).not.toContain(DEVICES_KEY);
  });

  it('exits 1 when the gateway cannot be reached', async () => {
    const port = await freePort();
    const r = await cli(['send', '--app', 'shop', '--device', 'phone-1', '--url', `http://127.0.0.1:${port}`], { apiKey: SEND_KEY });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach http://127.0.0.1:${port}`);
  });
});

describe('pushmux scores', () => {
  it('prints the scoring table, filtered', async () => {
    await cli(['send', '--app', 'shop', '--device', 'phone-1', '--title', 'warm-up'], { apiKey: SEND_KEY });
    const r = await eventually(async () => {
      const out = await cli(['scores', '--app', 'shop', '--brand', 'Xiaomi'], { apiKey: SEND_KEY });
      return out.stdout.includes('xiaomi') && out.stdout.startsWith('LEVEL') ? out : undefined;
    }, 15_000, 100);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^LEVEL\s+PLATFORM\s+BRAND\s+MODEL\s+PROVIDER\s+ESTIMATE\s+95% INTERVAL\s+SAMPLES\s+LATENCY$/);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/android\s+xiaomi/);
    const json = await cli(['scores', '--app', 'shop', '--brand', 'xiaomi', '--json'], { apiKey: SEND_KEY });
    expect((JSON.parse(json.stdout) as { rows: unknown[] }).rows.length).toBe(rows.length);
  });

  it('says so when a class has no scores', async () => {
    const r = await cli(['scores', '--app', 'shop', '--brand', 'nokia'], { apiKey: SEND_KEY });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no scores yet');
  });
});

describe('pushmux devices', () => {
  it('reads a device without its key, deletes it, then answers 404 with exit code 1', async () => {
    await fetch(`${url}/v1/apps/shop/devices/phone-2`, {
      method: 'PUT',
      headers: { ...auth(DEVICES_KEY), 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'ios', tokens: { apns: 'apns-2' } }),
    });
    const got = await cli(['devices', 'get', '--app', 'shop', '--device', 'phone-1'], { apiKey: DEVICES_KEY });
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(/^deviceId:\s+phone-1$/m);
    expect(got.stdout).toMatch(/^brand:\s+xiaomi$/m);
    expect(got.stdout).toMatch(/^channels:\s+fcm, xiaomi$/m);
    expect(got.stdout).not.toContain(deviceKey);
    expect(got.stdout).not.toContain('mi-1');

    const deleted = await cli(['devices', 'delete', 'phone-2', '--app', 'shop'], { apiKey: DEVICES_KEY });
    expect(deleted).toMatchObject({ code: 0, stdout: 'deleted phone-2\n' });
    const again = await cli(['devices', 'get', 'phone-2', '--app', 'shop'], { apiKey: DEVICES_KEY });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('404 device_not_found');
  });

  it('refuses an unknown action with exit code 2', async () => {
    const r = await cli(['devices', 'list', '--app', 'shop'], { apiKey: DEVICES_KEY });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('devices needs get or delete');
  });
});

describe('pushmux serve, send and scores as processes', { timeout: 60_000 }, () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves a config file, answers send and scores through PUSHMUX_URL/PUSHMUX_KEY, stops on SIGTERM', async () => {
    const KEY = 'proc-key-0123456789abcdef';
    const config = join(mkdtempSync(join(tmpdir(), 'pushmux-serve-')), 'pushmux.yml');
    writeFileSync(config, `apps:\n  shop:\n    apiKeys: [{ key: "\${SHOP_KEY}", scopes: [send, devices] }]\n    providers:\n      fcm: { sandbox: {} }\n`);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { ...process.env, REDIS_URL: '', PUSHMUX_CONFIG: '', PUSHMUX_DEMO_KEY: '', SHOP_KEY: KEY, PORT: String(port), HOST: '127.0.0.1', PUSHMUX_LOG_LEVEL: 'warn' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/pushmux.ts', 'serve', '--config', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`serve exited early:\n${out}`);
      return (await fetch(`${base}/readyz`).catch(() => undefined))?.ok ? true : undefined;
    }, 30_000, 100);

    const cliEnv = { ...env, PUSHMUX_URL: base, PUSHMUX_KEY: KEY };
    const put = await fetch(`${base}/v1/apps/shop/devices/p1`, {
      method: 'PUT', headers: { ...auth(KEY), 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'android', brand: 'google', tokens: { fcm: 't1' } }),
    });
    expect(put.status).toBe(201);
    const sent = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/pushmux.ts', 'send', '--app', 'shop', '--device', 'p1', '--title', 'hello'], { env: cliEnv, encoding: 'utf8' });
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    expect(sent.stdout).toMatch(/^accepted \S+: 1 recipient$/m);
    expect(sent.stdout).not.toContain(KEY);
    const table = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/pushmux.ts', 'scores', '--app', 'shop'], { env: cliEnv, encoding: 'utf8' });
    expect(table.status).toBe(0);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).not.toContain(KEY);
  });
});
