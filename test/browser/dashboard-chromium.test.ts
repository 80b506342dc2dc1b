/**
 * The operator dashboard (GET /dashboard) in headless Chromium (playwright-core driving Debian's
 * /usr/bin/chromium) against a gateway that has learned some scores: the page asks for the key, then
 * its heatmap shows exactly the rows GET /v1/apps/:app/scores answers, plus the funnel and providers
 * from /metrics. Saves a screenshot to a temp dir (its path is printed).
 * Skipped only when Chromium is missing outside CI; in CI a missing browser fails the suite.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Gateway } from '../../src/gateway.js';
import { SEND_KEY, auth, testGateway } from '../support/gateway.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic'];

interface ApiRow { level: string; platform: string; brand?: string; model?: string; provider: string; estimate: number; samples: number }
interface CellView { cls: string; provider: string; estimate: number; samples: number; text: string; best: boolean }

function learn(gw: Gateway, cls: { platform: string; brand?: string; model?: string }, provider: string, delivered: number, missed: number): void {
  for (let i = 0; i < delivered; i++) gw.scoring.record('shop', cls, provider, { delivered: true, latencyMs: 300 + i });
  for (let i = 0; i < missed; i++) gw.scoring.record('shop', cls, provider, { delivered: false });
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('dashboard in headless Chromium', () => {
  let gw: Gateway;
  let base: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    gw = await testGateway();
    const redmi = { platform: 'android', brand: 'Xiaomi', model: 'Redmi Note 12' };
    learn(gw, redmi, 'xiaomi', 40, 2);
    learn(gw, redmi, 'fcm', 8, 14);
    learn(gw, { platform: 'android', brand: 'Samsung', model: 'Galaxy S23' }, 'fcm', 30, 1);
    learn(gw, { platform: 'ios', brand: 'Apple', model: 'iPhone15,2' }, 'apns', 25, 0);
    await gw.scoring.flush();
    await gw.scoring.refresh();
    base = await gw.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
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

  it('draws the heatmap the scores API answers, with the funnel and providers from /metrics', async () => {
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

    const funnel = await page.$$eval('#funnel .funnel-row', (divs) => divs.map((d) => d.getAttribute('data-step')));
    expect(funnel).toEqual(['accepted', 'sent', 'acked', 'escalated', 'SMS', 'failed']);
    expect(await page.textContent('#connections')).toBe('0');
    expect(await page.getAttribute('#status', 'class')).toBe('');

    const dir = mkdtempSync(join(tmpdir(), 'pushmux-dashboard-'));
    const file = join(dir, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    process.stdout.write(`dashboard screenshot: ${file}\n`);
    expect(existsSync(file)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
