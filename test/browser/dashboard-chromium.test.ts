/**
 * The operator dashboard (GET /dashboard) in headless Chromium (playwright-core driving Debian's
 * /usr/bin/chromium) against a gateway that has learned some scores and carried real traffic (acked
 * pushes, a plan that escalates to SMS, one that fails, a device holding a WebSocket): the page asks
 * for the key, then its heatmap shows exactly the rows GET /v1/apps/:app/scores answers, its funnel,
 * provider table, circuit states and live connections show what /metrics says, and it redraws by
 * itself when new data arrives. Saves a screenshot to a temp dir (its path is printed).
 * Skipped only when Chromium is missing outside CI; in CI a missing browser fails the suite.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PushmuxClient } from '../../clients/js/index.js';
import { createConnect } from '../../src/connect/index.js';
import type { Gateway } from '../../src/gateway.js';
import { DEVICES_KEY, SEND_KEY, auth, eventually, testConfigObject, testGateway } from '../support/gateway.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic'];

interface ApiRow { level: string; platform: string; brand?: string; model?: string; provider: string; estimate: number; samples: number }
interface CellView { cls: string; provider: string; estimate: number; samples: number; text: string; best: boolean }
interface Sample { name: string; labels: Record<string, string>; value: number }

/** The gateway's /metrics as samples: the test's own reading, independent of the page's parser. */
async function metricSamples(base: string): Promise<Sample[]> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const samples: Sample[] = [];
  for (const [, name, labels, value] of text.matchAll(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/gm)) {
    const pairs = [...(labels ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as const);
    samples.push({ name: name!, labels: Object.fromEntries(pairs), value: Number(value) });
  }
  return samples;
}

function total(samples: readonly Sample[], name: string, where: (labels: Record<string, string>) => boolean = () => true): number {
  return samples.filter((s) => s.name === name && s.labels.app === 'shop' && where(s.labels)).reduce((sum, s) => sum + s.value, 0);
}

/** The funnel as the README and the page define it, computed here from /metrics. */
function expectedFunnel(samples: readonly Sample[]): Record<string, number> {
  return {
    accepted: total(samples, 'pushmux_notifications_accepted_total'),
    sent: total(samples, 'pushmux_provider_attempts_total', (l) => l.outcome === 'accepted'),
    acked: total(samples, 'pushmux_acks_total', (l) => l.result === 'on_time' || l.result === 'late'),
    escalated: total(samples, 'pushmux_escalations_total', (l) => l.to !== 'exhausted'),
    SMS: total(samples, 'pushmux_provider_attempts_total', (l) => l.provider === 'sms' && l.outcome === 'accepted'),
    failed: total(samples, 'pushmux_deliveries_total', (l) => l.state === 'failed' || l.state === 'expired'),
  };
}

async function funnelOnPage(page: Page): Promise<Record<string, number>> {
  const rows = await page.$$eval('#funnel .funnel-row', (divs) =>
    divs.map((d) => [d.getAttribute('data-step') ?? '', Number(d.querySelector('.value')?.textContent)] as const));
  return Object.fromEntries(rows);
}

function learn(gw: Gateway, cls: { platform: string; brand?: string; model?: string }, provider: string, delivered: number, missed: number): void {
  for (let i = 0; i < delivered; i++) gw.scoring.record('shop', cls, provider, { delivered: true, latencyMs: 300 + i });
  for (let i = 0; i < missed; i++) gw.scoring.record('shop', cls, provider, { delivered: false });
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('dashboard in headless Chromium', () => {
  let gw: Gateway;
  let base: string;
  let browser: Browser;
  let page: Page;
  let phone: PushmuxClient | undefined;
  const pageErrors: string[] = [];

  async function send(payload: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${base}/v1/apps/shop/notifications`, {
      method: 'POST', headers: { ...auth(SEND_KEY), 'content-type': 'application/json' }, body: JSON.stringify(payload),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }

  async function finalStatus(id: string): Promise<string> {
    return eventually(async () => {
      const res = await fetch(`${base}/v1/apps/shop/notifications/${id}`, { headers: auth(SEND_KEY) });
      const { status } = (await res.json()) as { status: string };
      return ['delivered', 'failed', 'expired'].includes(status) ? status : undefined;
    }, 15_000, 50);
  }

  async function register(id: string, device: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${base}/v1/apps/shop/devices/${id}`, {
      method: 'PUT', headers: { ...auth(DEVICES_KEY), 'content-type': 'application/json' }, body: JSON.stringify(device),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { deviceKey: string }).deviceKey;
  }

  beforeAll(async () => {
    // The test app, plus simulated SMS and an FCM that never reaches Nokia phones, so that one plan
    // escalates fcm → long connection → SMS and one without SMS text fails.
    const config = testConfigObject();
    const shop = (config.apps as Record<string, Record<string, unknown>>).shop!;
    shop.sms = { sandbox: { acceptRate: 1, deliveryRate: 1, latencyMs: { min: 10, max: 50 } }, perPhonePerHour: 10 };
    (shop.providers as Record<string, unknown>).fcm = {
      sandbox: { acceptRate: 1, deliveryRate: 1, byDevice: [{ match: { brand: 'nokia' }, behaviour: { deliveryRate: 0 } }] },
    };
    // sandbox: undefined → simulated phones ack what reaches them; the long connection runs as in `serve`.
    gw = await testGateway({ config, sandbox: undefined, connect: createConnect });
    const redmi = { platform: 'android', brand: 'Xiaomi', model: 'Redmi Note 12' };
    learn(gw, redmi, 'xiaomi', 40, 2);
    learn(gw, redmi, 'fcm', 8, 14);
    learn(gw, { platform: 'android', brand: 'Samsung', model: 'Galaxy S23' }, 'fcm', 30, 1);
    learn(gw, { platform: 'ios', brand: 'Apple', model: 'iPhone15,2' }, 'apns', 25, 0);
    base = (await gw.listen()).replace('0.0.0.0', '127.0.0.1');

    await register('mi-1', { platform: 'android', brand: 'Xiaomi', model: 'Redmi Note 12', tokens: { xiaomi: 'mi-1' } });
    await register('nokia-1', { platform: 'android', brand: 'Nokia', model: 'G42', phone: '+15550001111', tokens: { fcm: 'fcm-nokia-1' } });
    // One phone holds the WebSocket, so live connections is 1.
    const pixelKey = await register('pixel-1', { platform: 'android', brand: 'Google', model: 'Pixel 8', tokens: { fcm: 'fcm-pixel-1' } });
    let connected = false;
    phone = new PushmuxClient({
      url: base, app: 'shop', deviceId: 'pixel-1', deviceKey: pixelKey, onMessage: () => undefined,
      onStateChange: (state) => (connected = state === 'connected'),
    });
    phone.start();
    await eventually(async () => (connected ? true : undefined));

    const ids = [
      await send({ to: { deviceIds: ['mi-1'] }, title: 'one' }),
      await send({ to: { deviceIds: ['mi-1'] }, title: 'two' }),
      await send({ to: { deviceIds: ['nokia-1'] }, title: 'urgent', ackDeadlineMs: 200, sms: { text: 'your code is 1234' } }),
      await send({ to: { deviceIds: ['nokia-1'] }, title: 'no sms', ackDeadlineMs: 200 }),
    ];
    expect(await Promise.all(ids.map(finalStatus))).toEqual(['delivered', 'delivered', 'delivered', 'failed']);
    // The gauge the resilience layer sets when a circuit opens (its own tests open real circuits):
    // what matters here is that the page shows it.
    gw.metrics.circuit('shop', 'apns', true);
    await gw.scoring.flush();
    await gw.scoring.refresh();

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);
  afterAll(async () => {
    await phone?.stop();
    await browser?.close();
    await gw?.close();
  });

  it('serves the page and its assets without a key, and nothing else from the assets route', async () => {
    const html = await fetch(`${base}/dashboard`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const body = await html.text();
    expect(body).toContain('/dashboard/assets/dashboard.js');
    expect(body).not.toMatch(/https?:\/\//); // nothing from outside the gateway
    for (const [file, type] of [['dashboard.js', /javascript/], ['dashboard.css', /text\/css/]] as const) {
      const res = await fetch(`${base}/dashboard/assets/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
      expect(await res.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    }
    expect((await fetch(`${base}/dashboard/assets/dashboard-routes.ts`)).status).toBe(404);
    expect((await fetch(`${base}/dashboard/assets/..%2Fdashboard-routes.ts`)).status).toBe(404);
  });

  it('shows an error for a refused key', async () => {
    await page.goto(`${base}/dashboard?refresh=1000`);
    await page.fill('#key', 'not-a-valid-key-0123456789');
    await page.fill('#app', 'shop');
    await page.click('#connect');
    await page.waitForFunction("document.getElementById('status').className === 'error'");
    expect(await page.textContent('#status')).toMatch(/401/);
    await page.click('#forget');
  });

  it('draws the heatmap the scores API answers, and the funnel, providers, circuits and connections /metrics gives', async () => {
    const answer = await gw.server.inject({ method: 'GET', url: '/v1/apps/shop/scores', headers: auth(SEND_KEY) });
    expect(answer.statusCode).toBe(200);
    const rows = (answer.json() as { rows: ApiRow[] }).rows;
    expect(rows.length).toBeGreaterThanOrEqual(6);

    await page.goto(`${base}/dashboard?refresh=1000`);
    await page.fill('#key', SEND_KEY);
    await page.fill('#app', 'shop');
    await page.click('#connect');
    await page.waitForSelector('#heatmap td.cell');
    await page.waitForSelector('#funnel .funnel-row');
    // The key is kept for the tab's session only, never in the URL or localStorage.
    expect(await page.evaluate<string | null>("sessionStorage.getItem('pushmux.dashboard.key')")).toBe(SEND_KEY);
    expect(await page.evaluate<number>('localStorage.length')).toBe(0);
    expect(await page.inputValue('#key')).toBe('');

    const cells: CellView[] = await page.$$eval('#heatmap td.cell', (tds) => tds.map((td) => ({
      cls: td.getAttribute('data-class') ?? '',
      provider: td.getAttribute('data-provider') ?? '',
      estimate: Number(td.getAttribute('data-estimate')),
      samples: Number(td.getAttribute('data-samples')),
      text: td.querySelector('.est')?.textContent ?? '',
      best: td.classList.contains('best'),
    })));
    expect(cells).toHaveLength(rows.length);
    for (const row of rows) {
      const cls = [row.platform, row.brand ?? '', row.model ?? ''].join('/');
      const cell = cells.find((c) => c.cls === cls && c.provider === row.provider);
      expect(cell, `${cls} × ${row.provider}`).toBeDefined();
      // Samples decay with time between the two reads: equal up to that.
      expect(Math.abs(cell!.estimate - row.estimate)).toBeLessThan(0.02);
      expect(Math.abs(cell!.samples - row.samples)).toBeLessThan(0.05 * row.samples + 0.1);
      expect(cell!.text).toBe(`${Math.round(100 * cell!.estimate)}%`);
    }
    // The maker's channel is marked best for Xiaomi, at brand and model level.
    const best = (cls: string) => cells.filter((c) => c.cls === cls && c.best).map((c) => c.provider);
    expect(best('android/xiaomi/')).toEqual(['xiaomi']);
    expect(best('android/xiaomi/redmi note 12')).toEqual(['xiaomi']);
    // Nokia's SMS row (one text, delivered) estimates higher than its FCM, but SMS and the long
    // connection are the plan's fixed last steps: the best provider of the row is still FCM.
    const nokia = (provider: string) => cells.find((c) => c.cls === 'android/nokia/' && c.provider === provider);
    expect(nokia('sms')!.estimate).toBeGreaterThan(nokia('fcm')!.estimate);
    expect(best('android/nokia/')).toEqual(['fcm']);

    // The funnel: every step, in order, with the numbers /metrics gives (the traffic above has settled).
    const funnel = await funnelOnPage(page);
    expect(Object.keys(funnel)).toEqual(['accepted', 'sent', 'acked', 'escalated', 'SMS', 'failed']);
    expect(funnel).toEqual(expectedFunnel(await metricSamples(base)));
    expect(funnel).toMatchObject({ accepted: 4, SMS: 1, failed: 1 });
    expect(funnel.escalated).toBeGreaterThanOrEqual(3); // nokia-1: fcm → longconn twice, longconn → sms once
    expect(funnel.acked).toBeGreaterThanOrEqual(3);

    // Provider health: attempts per provider as /metrics counts them, and each circuit's state.
    const providers = await page.$$eval('#providers tbody tr[data-provider]', (trs) => trs.map((tr) => ({
      name: tr.getAttribute('data-provider') ?? '',
      attempts: Number(tr.children[1]?.textContent),
      circuit: tr.children[4]?.textContent ?? '',
    })));
    const samples = await metricSamples(base);
    for (const name of ['fcm', 'xiaomi', 'sms']) {
      const row = providers.find((p) => p.name === name);
      expect(row, name).toBeDefined();
      expect(row!.attempts).toBeGreaterThan(0);
      expect(row!.attempts).toBe(total(samples, 'pushmux_provider_attempts_total', (l) => l.provider === name));
      expect(row!.circuit).toBe('closed');
    }
    expect(providers.find((p) => p.name === 'apns')?.circuit).toBe('open');
    expect(await page.textContent('#connections')).toBe('1');
    expect(await page.getAttribute('#status', 'class')).toBe('');

    const dir = mkdtempSync(join(tmpdir(), 'pushmux-dashboard-'));
    const file = join(dir, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    process.stdout.write(`dashboard screenshot: ${file}\n`);
    expect(existsSync(file)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('redraws by itself: a new device class, more traffic and a closed circuit show without a reload', async () => {
    // The page of the previous test stays open and logged in; nothing here touches it.
    expect(await page.$('#heatmap td.cell[data-class="android/huawei/"]')).toBeNull();
    const before = await funnelOnPage(page);
    learn(gw, { platform: 'android', brand: 'Huawei', model: 'P60 Pro' }, 'fcm', 3, 9);
    await gw.scoring.flush();
    await gw.scoring.refresh();
    expect(await finalStatus(await send({ to: { deviceIds: ['mi-1'] }, title: 'three' }))).toBe('delivered');
    gw.metrics.circuit('shop', 'apns', false);

    await page.waitForSelector('#heatmap td.cell[data-class="android/huawei/"][data-provider="fcm"]', { timeout: 10_000 });
    await page.waitForFunction(
      `Number(document.querySelector('#funnel [data-step="accepted"] .value').textContent) > ${before.accepted}`,
      undefined, { timeout: 10_000 },
    );
    await page.waitForSelector('#providers tr[data-provider="apns"] td.circuit-closed', { timeout: 10_000 });
    expect(pageErrors).toEqual([]);
  });
});
