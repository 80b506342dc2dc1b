/**
 * The client SDK in headless Chromium (playwright-core driving Debian's /usr/bin/chromium) against a
 * real gateway: the browser's own WebSocket receives a message and the SDK acks it on the socket; the
 * inbox poll and the HTTP ack work with the browser's fetch and WebCrypto.
 *
 * The SDK is served untouched from clients/js, each file transpiled on the fly (its relative imports
 * already end in .js), from the gateway's own origin: no bundler, and no CORS in the way.
 * Skipped only when Chromium is missing outside CI; in CI a missing browser fails the suite.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import ts from 'typescript';
import { connectFactory } from '../../src/connect/index.js';
import type { Gateway } from '../../src/gateway.js';
import { eventually, testGateway } from '../support/gateway.js';
import { connectConfig, deliveryOf, registerDevice, sendTo } from '../integration/connect/connect-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const SDK_DIR = new URL('../../clients/js/', import.meta.url);

const PAGE = `<!doctype html><meta charset="utf-8"><title>pushmux sdk</title>
<script type="module">
  import { PushmuxClient } from './sdk/index.js';
  window.received = [];
  window.startClient = (identity) => {
    window.client = new PushmuxClient({ ...identity, url: location.origin, onMessage: (m) => { window.received.push(m); } });
    window.client.start();
  };
  window.sdkLoaded = true;
</script>`;

interface BrowserWindow {
  sdkLoaded?: boolean;
  received: { notificationId: string; title?: string }[];
  client?: { readyState: string; stop(): Promise<void>; poll(): Promise<void> };
  startClient(identity: { app: string; deviceId: string; deviceKey: string }): void;
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('client SDK in headless Chromium', () => {
  let gw: Gateway;
  let base: string;
  let browser: Browser;
  let page: Page;
  let deviceKey: string;

  beforeAll(async () => {
    gw = await testGateway({ config: connectConfig(), connect: connectFactory() });
    // Test-only routes: the page and the SDK's modules, from the gateway's origin.
    gw.server.get('/sdk-test/index.html', async (_req, reply) => reply.type('text/html').send(PAGE));
    gw.server.get<{ Params: { file: string } }>('/sdk-test/sdk/:file', async (req, reply) => {
      const match = /^([a-z-]+)\.js$/.exec(req.params.file);
      if (!match) return reply.code(404).send();
      const source = readFileSync(new URL(`${match[1]}.ts`, SDK_DIR), 'utf8');
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
      return reply.type('text/javascript').send(js);
    });
    base = await gw.listen();
    deviceKey = await registerDevice(gw, 'browser-1');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = await browser.newPage();
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
    await page.goto(`${base}/sdk-test/index.html`);
    await page.waitForFunction(() => (globalThis as unknown as BrowserWindow).sdkLoaded === true);
  });
  afterAll(async () => {
    await page?.evaluate(() => (globalThis as unknown as BrowserWindow).client?.stop());
    await browser?.close();
    await gw?.close();
  });

  it('receives a message on the browser WebSocket and acks it: delivered via longconn', async () => {
    await page.evaluate((identity) => (globalThis as unknown as BrowserWindow).startClient(identity), { app: 'shop', deviceId: 'browser-1', deviceKey });
    await page.waitForFunction(() => (globalThis as unknown as BrowserWindow).client?.readyState === 'connected');
    const id = await sendTo(gw, ['browser-1'], { title: 'to the browser' });
    await page.waitForFunction((wanted) => (globalThis as unknown as BrowserWindow).received.some((m) => m.notificationId === wanted), id);
    const delivery = await eventually(async () => {
      const d = await deliveryOf(gw, id, 'browser-1');
      return d.status === 'delivered' ? d : undefined;
    });
    expect(delivery.channel).toBe('longconn');
    expect(delivery.events).toContainEqual(expect.objectContaining({ type: 'ack', source: 'device-ws' }));
  });

  it('polls the inbox and acks over HTTP once the socket is closed', async () => {
    await page.evaluate(() => (globalThis as unknown as BrowserWindow).client?.stop());
    const id = await sendTo(gw, ['browser-1'], { title: 'while closed' });
    await eventually(async () => ((await deliveryOf(gw, id, 'browser-1')).status === 'sent' ? true : undefined));
    await page.evaluate(() => (globalThis as unknown as BrowserWindow).client?.poll());
    const titles = await page.evaluate(() => (globalThis as unknown as BrowserWindow).received.map((m) => m.title));
    expect(titles).toEqual(['to the browser', 'while closed']);
    const delivery = await eventually(async () => {
      const d = await deliveryOf(gw, id, 'browser-1');
      return d.status === 'delivered' ? d : undefined;
    });
    expect(delivery.channel).toBe('longconn');
    expect(delivery.events).toContainEqual(expect.objectContaining({ type: 'ack', source: 'device' }));
  });
});
