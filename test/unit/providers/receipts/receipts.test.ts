import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ReceiptFormatError,
  ReceiptSignatureError,
  parseHuaweiReceipt,
  parseOppoReceipt,
  parseTwilioReceipt,
  parseVivoReceipt,
  parseXiaomiReceipt,
  twilioSignature,
  withCallbackSecret,
} from '../../../../providers/receipts/index.js';

function signatureError(fn: () => unknown): ReceiptSignatureError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ReceiptSignatureError) return error;
    throw error;
  }
  throw new Error('expected a ReceiptSignatureError');
}

describe('Huawei receipts (X-HUAWEI-CALLBACK-ID)', () => {
  const user = 'pushmux';
  // AppGallery Connect generates Base64 keys; Huawei's sample decodes them before HMAC.
  const secret = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
  const now = 1_700_000_000_000;
  const secrets = { callbackUser: user, callbackSecret: secret, now };

  function header(timestamp: number, nonce: string, key: Buffer | string = Buffer.from(secret, 'base64')): string {
    const value = createHmac('sha256', key).update(`${timestamp}${nonce}${user}`).digest('base64');
    return `timestamp=${timestamp}; nonce=${nonce}; value=${value}`;
  }

  const v1 = JSON.stringify({
    statuses: [
      { biTag: 'notif-7', appid: '104567891', token: 'tok-ok', status: 0, timestamp: now - 1000, requestId: 'req-1' },
      { biTag: 'notif-7', appid: '104567891', token: 'tok-gone', status: 2, timestamp: now - 900, requestId: 'req-1' },
      { biTag: 'notif-8', token: 'tok-off', status: 6, timestamp: now - 800, requestId: 'req-2' },
      { biTag: 'notif-8', token: 'tok-freq', status: 102, timestamp: now - 700, requestId: 'req-2' },
      { biTag: 'notif-8', token: 'tok-cached', status: 15, timestamp: now - 600, requestId: 'req-2' },
    ],
  });

  it('verifies the signed header and maps V1 statuses', () => {
    const events = parseHuaweiReceipt({ headers: { 'x-huawei-callback-id': header(now - 2000, 'a07bfa17-6d82-4b53-a9a2-07c0bd0deef1') }, rawBody: v1, url: 'https://gw/v1/apps/shop/receipts/hms' }, secrets);
    expect(events.map((e) => [e.token, e.status, e.notificationId])).toEqual([
      ['tok-ok', 'delivered', 'notif-7'],
      ['tok-gone', 'invalid-token', 'notif-7'],
      ['tok-off', 'invalid-token', 'notif-8'],
      ['tok-freq', 'failed', 'notif-8'],
      ['tok-cached', 'other', 'notif-8'],
    ]);
    expect(events[0]).toMatchObject({ provider: 'hms', providerMessageId: 'req-1', at: now - 1000 });
  });

  it('reads V2 bodies (deliveryStatus) and every dead-token status', () => {
    const statuses = [2, 5, 6, 10, 201].map((result, i) => ({ token: `t${i}`, biTag: 'n', requestId: 'r', pushType: 0, deliveryStatus: { result, timestamp: now } }));
    const events = parseHuaweiReceipt({ headers: { 'X-HUAWEI-CALLBACK-ID': header(now, 'n1') }, rawBody: JSON.stringify({ statuses }), url: '' }, secrets);
    expect(events.every((e) => e.status === 'invalid-token' && e.at === now)).toBe(true);
  });

  it('accepts an old-style UTF-8 key, or exactly the encoding configured', () => {
    const utf8Secret = 'plain-text-callback-secret!';
    const headers = { 'x-huawei-callback-id': header(now, 'n2', utf8Secret) };
    expect(parseHuaweiReceipt({ headers, rawBody: v1, url: '' }, { ...secrets, callbackSecret: utf8Secret })).toHaveLength(5);
    expect(signatureError(() => parseHuaweiReceipt({ headers: { 'x-huawei-callback-id': header(now, 'n3', secret) }, rawBody: v1, url: '' }, { ...secrets, secretEncoding: 'base64' })).reason).toBe('mismatch');
  });

  it('refuses forged, missing, malformed and stale headers', () => {
    const forged = header(now, 'n4', Buffer.from('another key'));
    expect(signatureError(() => parseHuaweiReceipt({ headers: { 'x-huawei-callback-id': forged }, rawBody: v1, url: '' }, secrets)).reason).toBe('mismatch');
    expect(signatureError(() => parseHuaweiReceipt({ headers: {}, rawBody: v1, url: '' }, secrets)).code).toBe('PUSHMUX_RECEIPT_SIGNATURE');
    expect(signatureError(() => parseHuaweiReceipt({ headers: { 'x-huawei-callback-id': 'garbage' }, rawBody: v1, url: '' }, secrets)).reason).toBe('malformed');
    const old = header(now - 10 * 60_000, 'n5');
    expect(signatureError(() => parseHuaweiReceipt({ headers: { 'x-huawei-callback-id': old }, rawBody: v1, url: '' }, secrets)).reason).toBe('stale');
    // Another user name signs differently.
    expect(signatureError(() => parseHuaweiReceipt({ headers: { 'x-huawei-callback-id': header(now, 'n6') }, rawBody: v1, url: '' }, { ...secrets, callbackUser: 'other' })).reason).toBe('mismatch');
  });

  it('throws ReceiptFormatError for a signed but unreadable body', () => {
    expect(() => parseHuaweiReceipt({ headers: { 'x-huawei-callback-id': header(now, 'n7') }, rawBody: '{"nope":1}', url: '' }, secrets)).toThrow(ReceiptFormatError);
  });
});

describe('Xiaomi receipts (form field data)', () => {
  const callbackSecret = 'cb-secret-0123456789';
  const url = withCallbackSecret(new URL('https://gw.example.com/v1/apps/shop/receipts/xiaomi'), callbackSecret);
  const data = {
    scm01: { param: 'notif-7', type: 1, targets: 'r1,r2', jobkey: '', barStatus: 'Enable', timestamp: 1_700_000_000_000 },
    scm02: { param: 'notif-8', type: 16, targets: 'r3', timestamp: 1_700_000_000_500 },
    scm03: { param: 'notif-9', type: 2, targets: 'r4' },
    scm04: { param: 'notif-9', type: 128, targets: 'r5' },
  };
  const rawBody = new URLSearchParams({ data: JSON.stringify(data) }).toString();

  it('reads one event per target, with the notification id from param and the type bitmask', () => {
    const events = parseXiaomiReceipt({ headers: {}, rawBody, url }, { callbackSecret });
    expect(events.map((e) => [e.providerMessageId, e.token, e.status, e.notificationId])).toEqual([
      ['scm01', 'r1', 'delivered', 'notif-7'],
      ['scm01', 'r2', 'delivered', 'notif-7'],
      ['scm02', 'r3', 'invalid-token', 'notif-8'],
      ['scm03', 'r4', 'clicked', 'notif-9'],
      ['scm04', 'r5', 'failed', 'notif-9'],
    ]);
    expect(events[0]?.at).toBe(1_700_000_000_000);
  });

  it('refuses a callback without or with a wrong URL secret', () => {
    expect(signatureError(() => parseXiaomiReceipt({ headers: {}, rawBody, url: 'https://gw.example.com/v1/apps/shop/receipts/xiaomi' }, { callbackSecret })).reason).toBe('missing');
    expect(signatureError(() => parseXiaomiReceipt({ headers: {}, rawBody, url: `${url}x` }, { callbackSecret })).reason).toBe('mismatch');
  });

  it('throws ReceiptFormatError without a data field', () => {
    expect(() => parseXiaomiReceipt({ headers: {}, rawBody: 'foo=bar', url }, { callbackSecret })).toThrow(ReceiptFormatError);
  });
});

describe('vivo receipts', () => {
  const callbackSecret = 'vivo-secret-0123456789';
  const url = `https://gw.example.com/v1/apps/shop/receipts/vivo?pmx=${callbackSecret}`;

  it('reads the taskId-keyed body as deliveries', () => {
    const rawBody = JSON.stringify({ '584021233': { param: 'notif-7', targets: 'v1,v2' } });
    expect(parseVivoReceipt({ headers: {}, rawBody, url }, { callbackSecret })).toEqual([
      expect.objectContaining({ provider: 'vivo', providerMessageId: '584021233', token: 'v1', status: 'delivered', notificationId: 'notif-7' }),
      expect.objectContaining({ token: 'v2', status: 'delivered' }),
    ]);
  });

  it('refuses a forged callback', () => {
    expect(signatureError(() => parseVivoReceipt({ headers: {}, rawBody: '{}', url: 'https://gw/x?pmx=guess' }, { callbackSecret })).reason).toBe('mismatch');
  });
});

describe('OPPO receipts', () => {
  const callbackSecret = 'oppo-secret-0123456789';
  const url = `https://gw.example.com/v1/apps/shop/receipts/oppo?pmx=${callbackSecret}`;

  it('reads the event array', () => {
    const rawBody = JSON.stringify([
      { messageId: 'm1', appId: 'a', taskId: 'm1', registrationIds: 'o1, o2', eventTime: '1700000000000', param: 'notif-7', eventType: 'push_arrive' },
      { messageId: 'm2', registrationIds: 'o3', param: 'notif-8', eventType: 'regid_invalid' },
    ]);
    expect(parseOppoReceipt({ headers: {}, rawBody, url }, { callbackSecret }).map((e) => [e.token, e.status, e.notificationId, e.at])).toEqual([
      ['o1', 'delivered', 'notif-7', 1_700_000_000_000],
      ['o2', 'delivered', 'notif-7', 1_700_000_000_000],
      ['o3', 'invalid-token', 'notif-8', undefined],
    ]);
  });

  it('refuses a callback without the URL secret', () => {
    expect(signatureError(() => parseOppoReceipt({ headers: {}, rawBody: '[]', url: 'https://gw/x' }, { callbackSecret })).reason).toBe('missing');
  });
});

describe('Twilio status callbacks (X-Twilio-Signature)', () => {
  const authToken = 'twilio-test-auth-token-0123456789';
  const url = 'https://gw.example.com/v1/apps/shop/receipts/twilio?notificationId=notif-7';

  function callback(fields: Record<string, string>, signUrl = url, token = authToken): { headers: Record<string, string>; rawBody: string; url: string } {
    const params = new URLSearchParams(fields);
    const sorted = [...params].sort(([a], [b]) => a.localeCompare(b));
    const signature = createHmac('sha1', token).update(signUrl + sorted.map(([k, v]) => k + v).join('')).digest('base64');
    return { headers: { 'X-Twilio-Signature': signature }, rawBody: params.toString(), url };
  }

  it("matches Twilio's documented signature example", () => {
    const params = new URLSearchParams({ CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' });
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('reads a signed delivered callback with the notification id from the URL', () => {
    const input = callback({ MessageSid: 'SM1', MessageStatus: 'delivered', To: '+8613800138000', From: '+15005550006', AccountSid: 'AC1', ApiVersion: '2010-04-01' });
    expect(parseTwilioReceipt(input, { authToken })).toEqual([
      expect.objectContaining({ provider: 'twilio', providerMessageId: 'SM1', status: 'delivered', phone: '+8613800138000', notificationId: 'notif-7' }),
    ]);
  });

  it.each([
    [{ MessageStatus: 'undelivered', ErrorCode: '30005' }, 'invalid-token'],
    [{ MessageStatus: 'failed', ErrorCode: '30008' }, 'failed'],
    [{ MessageStatus: 'sent' }, 'other'],
  ])('maps %o to %s', (fields, status) => {
    expect(parseTwilioReceipt(callback({ MessageSid: 'SM2', To: '+1', ...fields }), { authToken })[0]?.status).toBe(status);
  });

  it('accepts a signature computed with the default port', () => {
    const input = callback({ MessageSid: 'SM3', MessageStatus: 'delivered' }, 'https://gw.example.com:443/v1/apps/shop/receipts/twilio?notificationId=notif-7');
    expect(parseTwilioReceipt(input, { authToken })).toHaveLength(1);
  });

  it('refuses forged, tampered and unsigned callbacks', () => {
    const forged = callback({ MessageSid: 'SM4', MessageStatus: 'delivered' }, url, 'wrong-token');
    expect(signatureError(() => parseTwilioReceipt(forged, { authToken })).reason).toBe('mismatch');
    const tampered = callback({ MessageSid: 'SM4', MessageStatus: 'failed' });
    tampered.rawBody = tampered.rawBody.replace('failed', 'delivered');
    expect(signatureError(() => parseTwilioReceipt(tampered, { authToken })).reason).toBe('mismatch');
    const moved = callback({ MessageSid: 'SM4', MessageStatus: 'delivered' });
    moved.url = url.replace('notif-7', 'notif-8');
    expect(signatureError(() => parseTwilioReceipt(moved, { authToken })).reason).toBe('mismatch');
    expect(signatureError(() => parseTwilioReceipt({ headers: {}, rawBody: 'MessageSid=SM5', url }, { authToken })).reason).toBe('missing');
  });
});
