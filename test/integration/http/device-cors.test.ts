/**
 * CORS answers only on the device routes (acks, inbox), only to an app's configured browser origins;
 * the API-key routes never answer CORS, so a page can never use an API key from the browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnect } from '../../../src/connect/index.js';
import type { Gateway } from '../../../src/gateway.js';
import { testConfigObject, testGateway } from '../../support/gateway.js';

const SHOP_PAGE = 'https://shop.example';

function preflight(gw: Gateway, url: string, origin: string, method = 'POST') {
  return gw.server.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type,authorization' } });
}

describe('CORS for the device routes', () => {
  let gw: Gateway;
  beforeAll(async () => {
    const config = testConfigObject();
    (config.apps as Record<string, Record<string, unknown>>).shop!.browserOrigins = [SHOP_PAGE];
    gw = await testGateway({ config, connect: createConnect });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('lets a page of the configured origin ack and poll the inbox', async () => {
    const ack = await preflight(gw, '/v1/apps/shop/acks', SHOP_PAGE);
    expect(ack.statusCode).toBe(204);
    expect(ack.headers['access-control-allow-origin']).toBe(SHOP_PAGE);
    expect(String(ack.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(ack.headers['access-control-allow-headers'])).toContain('authorization');
    const inbox = await preflight(gw, '/v1/apps/shop/devices/d1/inbox', SHOP_PAGE, 'GET');
    expect(inbox.headers['access-control-allow-origin']).toBe(SHOP_PAGE);
    // The real request carries the header too (here refused for its bad signature: still readable by the page).
    const posted = await gw.server.inject({ method: 'POST', url: '/v1/apps/shop/acks', headers: { origin: SHOP_PAGE }, payload: { notificationId: 'n', deviceId: 'd1', signature: 'bad' } });
    expect(posted.statusCode).toBe(401);
    expect(posted.headers['access-control-allow-origin']).toBe(SHOP_PAGE);
    expect(String(posted.headers.vary)).toMatch(/origin/i);
  });

  it('answers no CORS to other origins, other apps, or the API-key routes', async () => {
    const cases: [string, string][] = [
      ['/v1/apps/shop/acks', 'https://evil.example'],
      ['/v1/apps/other/acks', SHOP_PAGE],
      ['/v1/apps/shop/notifications', SHOP_PAGE],
      ['/v1/apps/shop/devices/d1', SHOP_PAGE],
    ];
    for (const [url, origin] of cases) {
      const res = await preflight(gw, url, origin);
      expect(res.headers['access-control-allow-origin'], `${url} from ${origin}`).toBeUndefined();
    }
  });

  it('answers no CORS at all when no app names browser origins', async () => {
    const plain = await testGateway();
    try {
      const res = await preflight(plain, '/v1/apps/shop/acks', SHOP_PAGE);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
