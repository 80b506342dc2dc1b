import { describe, expect, it } from 'vitest';
import { classifyWebPushAnswer, isAllowedEndpoint, parseSubscription, webPushTopic, WEBPUSH_DEFAULT_HOSTS } from '../../../../providers/webpush/index.js';

describe('Web Push subscriptions', () => {
  const keys = { p256dh: 'BPk', auth: 'x' };

  it('reads a PushSubscription JSON and refuses anything else', () => {
    expect(parseSubscription(JSON.stringify({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc', expirationTime: null, keys }))).toEqual({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys });
    expect(parseSubscription(JSON.stringify({ endpoint: 'http://fcm.googleapis.com/x', keys }))).toBeUndefined();
    expect(parseSubscription(JSON.stringify({ endpoint: 'https://x' }))).toBeUndefined();
    expect(parseSubscription('abc')).toBeUndefined();
  });

  it('allows the browsers’ push services and their subdomains only', () => {
    expect(isAllowedEndpoint('https://updates.push.services.mozilla.com/wpush/v2/x', WEBPUSH_DEFAULT_HOSTS)).toBe(true);
    expect(isAllowedEndpoint('https://db5p.notify.windows.com/w/?token=x', WEBPUSH_DEFAULT_HOSTS)).toBe(true);
    expect(isAllowedEndpoint('https://web.push.apple.com/QGx', WEBPUSH_DEFAULT_HOSTS)).toBe(true);
    expect(isAllowedEndpoint('https://evilpush.apple.com.attacker.net/x', WEBPUSH_DEFAULT_HOSTS)).toBe(false);
    expect(isAllowedEndpoint('https://10.0.0.1/x', WEBPUSH_DEFAULT_HOSTS)).toBe(false);
  });

  it('keeps a valid topic and hashes any other into 32 URL-safe characters', () => {
    expect(webPushTopic('orders')).toBe('orders');
    expect(webPushTopic('has spaces')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it.each([
    [410, 'invalid-token'],
    [404, 'invalid-token'],
    [429, 'retry'],
    [502, 'retry'],
    [403, 'auth-error'],
    [413, 'rejected'],
  ] as const)('%i → %s', (status, kind) => {
    expect(classifyWebPushAnswer(status).kind).toBe(kind);
  });
});
