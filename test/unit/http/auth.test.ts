import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../../src/config/index.js';
import { RequestError } from '../../../src/errors/index.js';
import { ApiKeyAuth } from '../../../src/http/auth.js';

const sendKey = 'shop-send-key-0123456789';
const adminKey = 'shop-admin-key-0123456789-and-a-bit-longer';
const otherKey = 'other-app-key-0123456789';
const longKey = `long-${'x'.repeat(300)}`;

const { config } = buildConfig({
  apps: {
    shop: {
      apiKeys: [{ key: sendKey, scopes: ['send'], name: 'sender' }, { key: adminKey, scopes: ['admin'] }],
      providers: { fcm: { sandbox: {} } },
    },
    other: { apiKeys: [{ key: otherKey, scopes: ['send', 'devices'] }, { key: longKey, scopes: ['send'] }], providers: { fcm: { sandbox: {} } } },
  },
}, { vars: {} });
const auth = new ApiKeyAuth(config);
const request = (authorization?: string) => ({ headers: { authorization } }) as FastifyRequest;
const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RequestError);
    return (error as RequestError).code;
  }
  throw new Error('expected a refusal');
};

describe('ApiKeyAuth', () => {
  it('identifies each configured key, whatever its length, with its app, name and scopes', () => {
    expect(auth.identify(`Bearer ${sendKey}`)).toMatchObject({ app: 'shop', keyName: 'sender' });
    expect([...(auth.identify(`Bearer ${sendKey}`)?.scopes ?? [])]).toEqual(['send']);
    expect(auth.identify(`bearer   ${adminKey}`)?.app).toBe('shop');
    expect(auth.identify(`Bearer ${otherKey}`)?.app).toBe('other');
    expect(auth.identify(`Bearer ${longKey}`)?.app).toBe('other');
  });

  it('refuses near misses: a prefix, an extension, a NUL-padded key, one changed byte, a longer key, no bearer', () => {
    for (const presented of [
      sendKey.slice(0, -1), `${sendKey}x`, `${sendKey}\u0000`, `${sendKey.slice(0, -1)}5`, `${longKey}x`, longKey.slice(0, 200),
      'x'.repeat(1000), `${sendKey}é`,
    ]) {
      expect(auth.identify(`Bearer ${presented}`), presented).toBeUndefined();
    }
    expect(auth.identify(sendKey)).toBeUndefined();
    expect(auth.identify(`Basic ${sendKey}`)).toBeUndefined();
    expect(auth.identify(undefined)).toBeUndefined();
    // A refused key leaves nothing behind for the next one.
    expect(auth.identify(`Bearer ${otherKey}`)?.app).toBe('other');
  });

  it('authorizes by app and scope: 401 without a key, 404 for an unknown app, 403 for another app or a missing scope', () => {
    expect(auth.authorize(request(`Bearer ${sendKey}`), 'shop', 'send').app).toBe('shop');
    expect(auth.authorize(request(`Bearer ${adminKey}`), 'shop', 'devices').app).toBe('shop');
    expect(refusal(() => auth.authorize(request(), 'shop', 'send'))).toBe('unauthorized');
    expect(refusal(() => auth.authorize(request('Bearer nope-nope-nope-nope'), 'shop', 'send'))).toBe('unauthorized');
    expect(refusal(() => auth.authorize(request(`Bearer ${sendKey}`), 'nowhere', 'send'))).toBe('app_not_found');
    expect(refusal(() => auth.authorize(request(`Bearer ${otherKey}`), 'shop', 'send'))).toBe('forbidden');
    expect(refusal(() => auth.authorize(request(`Bearer ${sendKey}`), 'shop', 'devices'))).toBe('forbidden');
  });
});
