import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSmsSender, type SmsMessage, type SmsSender } from '../../../../providers/sms/index.js';
import { ALIYUN_TEST_ACCESS_KEY_ID, ALIYUN_TEST_ACCESS_KEY_SECRET, AliyunSmsMock } from '../../../mocks/aliyun-sms-mock.js';
import { SMS_WEBHOOK_TEST_SECRET, SmsWebhookMock } from '../../../mocks/sms-webhook-mock.js';
import { TWILIO_TEST_ACCOUNT_SID, TWILIO_TEST_AUTH_TOKEN, TWILIO_TEST_FROM, TwilioMock } from '../../../mocks/twilio-mock.js';

function sms(to = '+8613800138000'): SmsMessage {
  return { notificationId: 'notif-7', to, text: 'Your order 7 has shipped' };
}

describe('Twilio sender against the Twilio mock', () => {
  let mock: TwilioMock;
  let sender: SmsSender;
  const options = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    twilio: {
      accountSid: TWILIO_TEST_ACCOUNT_SID,
      authToken: TWILIO_TEST_AUTH_TOKEN,
      from: TWILIO_TEST_FROM,
      statusCallback: 'https://push.example.com/v1/apps/shop/receipts/twilio',
      endpoint: mock.url,
      ca: mock.ca,
      timeoutMs: 400,
      // One try: these tests read the classification of single answers; retries are tested below.
      maxAttempts: 1,
      ...extra,
    },
  });

  beforeAll(async () => {
    mock = await TwilioMock.start();
    sender = createSmsSender(options(), { appId: 'shop' });
  });
  afterEach(() => mock.reset());
  afterAll(async () => {
    await sender.close();
    await mock.stop();
  });

  it('sends with basic auth and a status callback that carries the notification id', async () => {
    const outcome = await sender.send(sms());
    expect(outcome).toEqual({ kind: 'accepted', providerMessageId: mock.messages[0]?.sid });
    expect(mock.messages[0]?.fields).toEqual({
      To: '+8613800138000',
      From: TWILIO_TEST_FROM,
      Body: 'Your order 7 has shipped',
      StatusCallback: 'https://push.example.com/v1/apps/shop/receipts/twilio?notificationId=notif-7',
    });
  });

  it('answers invalid-token for an invalid number (21211) and for a non-E.164 number without a request', async () => {
    mock.invalidNumbers.add('+15005550001');
    expect(await sender.send(sms('+15005550001'))).toEqual({ kind: 'invalid-token', reason: 'twilio-21211' });
    expect(await sender.send(sms('13800138000'))).toEqual({ kind: 'invalid-token', reason: 'not-e164' });
    expect(mock.requests).toHaveLength(1);
  });

  it('answers retry with Retry-After when throttled, auth-error for a wrong token', async () => {
    mock.script.next({ status: 429, code: 20429, retryAfter: '5' });
    expect(await sender.send(sms())).toEqual({ kind: 'retry', reason: 'twilio-20429', retryAfterMs: 5000 });
    const wrong = createSmsSender(options({ authToken: 'wrong-token' }), { appId: 'shop' });
    try {
      expect(await wrong.send(sms())).toEqual({ kind: 'auth-error', reason: 'twilio-20003' });
    } finally {
      await wrong.close();
    }
  });

  it('answers rejected for a region not enabled and retry for a 5xx', async () => {
    mock.script.next({ status: 400, code: 21408 }, { status: 503, code: 20500 });
    expect(await sender.send(sms())).toEqual({ kind: 'rejected', reason: 'twilio-21408' });
    expect(await sender.send(sms())).toEqual({ kind: 'retry', reason: 'twilio-20500' });
  });

  it('times out and survives a dropped connection', async () => {
    mock.script.next({ hang: true }, { drop: true });
    expect(await sender.send(sms())).toEqual({ kind: 'retry', reason: 'timeout' });
    expect(await sender.send(sms())).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^network/) });
    expect(await sender.send(sms())).toMatchObject({ kind: 'accepted' });
  });
});

describe('Alibaba Cloud sender against the SendSms mock', () => {
  let mock: AliyunSmsMock;
  let sender: SmsSender;
  const options = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    aliyun: {
      accessKeyId: ALIYUN_TEST_ACCESS_KEY_ID,
      accessKeySecret: ALIYUN_TEST_ACCESS_KEY_SECRET,
      signName: '阿里云短信测试',
      templateCode: 'SMS_154950909',
      endpoint: mock.url,
      ca: mock.ca,
      timeoutMs: 400,
      maxAttempts: 1,
      ...extra,
    },
  });

  beforeAll(async () => {
    mock = await AliyunSmsMock.start();
    sender = createSmsSender(options(), { appId: 'shop' });
  });
  afterEach(() => mock.reset());
  afterAll(async () => {
    await sender.close();
    await mock.stop();
  });

  it('sends a signed SendSms that the mock verifies, with the text in the template and OutId', async () => {
    expect(await sender.send(sms())).toEqual({ kind: 'accepted', providerMessageId: '900001^0' });
    expect(mock.sent[0]).toMatchObject({ PhoneNumbers: '13800138000', SignName: '阿里云短信测试', OutId: 'notif-7', TemplateCode: 'SMS_154950909' });
    expect(JSON.parse(mock.sent[0]!.TemplateParam!)).toEqual({ content: 'Your order 7 has shipped' });
    // A second message gets a fresh nonce (the mock refuses a reused one).
    expect(await sender.send(sms('+85251234567'))).toMatchObject({ kind: 'accepted' });
    expect(mock.sent[1]?.PhoneNumbers).toBe('85251234567');
  });

  it('answers auth-error when the signature does not match (wrong secret)', async () => {
    const wrong = createSmsSender(options({ accessKeySecret: 'not-the-secret' }), { appId: 'shop' });
    try {
      expect(await wrong.send(sms())).toEqual({ kind: 'auth-error', reason: 'aliyun-SignatureDoesNotMatch' });
    } finally {
      await wrong.close();
    }
  });

  it.each([
    ['isv.MOBILE_NUMBER_ILLEGAL', 'invalid-token'],
    ['isv.BUSINESS_LIMIT_CONTROL', 'retry'],
    ['isp.SYSTEM_ERROR', 'retry'],
    ['isv.AMOUNT_NOT_ENOUGH', 'auth-error'],
    ['isv.SMS_TEMPLATE_ILLEGAL', 'auth-error'],
    ['isv.INVALID_JSON_PARAM', 'rejected'],
  ])('classifies %s as %s', async (code, kind) => {
    mock.script.next({ code });
    expect(await sender.send(sms())).toMatchObject({ kind, reason: `aliyun-${code}` });
  });

  it('answers retry until tomorrow for the daily per-number limit', async () => {
    mock.script.next({ code: 'isv.DAY_LIMIT_CONTROL' });
    const outcome = await sender.send(sms());
    expect(outcome).toMatchObject({ kind: 'retry', retryAfterMs: expect.any(Number) });
  });

  it('times out a call that never answers', async () => {
    mock.script.next({ hang: true });
    expect(await sender.send(sms())).toEqual({ kind: 'retry', reason: 'timeout' });
  });
});

describe('webhook sender against a webhook mock', () => {
  let mock: SmsWebhookMock;
  let sender: SmsSender;
  const options = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    webhook: { url: mock.url, secret: SMS_WEBHOOK_TEST_SECRET, ca: mock.ca, timeoutMs: 400, maxAttempts: 1, ...extra },
  });

  beforeAll(async () => {
    mock = await SmsWebhookMock.start();
    sender = createSmsSender(options(), { appId: 'shop' });
  });
  afterEach(() => mock.reset());
  afterAll(async () => {
    await sender.close();
    await mock.stop();
  });

  it('posts JSON with the secret header', async () => {
    expect(await sender.send(sms())).toEqual({ kind: 'accepted', providerMessageId: 'wh-1' });
    expect(mock.received).toEqual([{ notificationId: 'notif-7', to: '+8613800138000', text: 'Your order 7 has shipped' }]);
  });

  it.each([
    [{ status: 422 }, { kind: 'invalid-token', reason: 'http-422' }],
    [{ status: 429, retryAfter: '7' }, { kind: 'retry', reason: 'http-429', retryAfterMs: 7000 }],
    [{ status: 500 }, { kind: 'retry', reason: 'http-500' }],
    [{ status: 400 }, { kind: 'rejected', reason: 'http-400' }],
  ] as const)('classifies %o', async (answer, expected) => {
    mock.script.next(answer);
    expect(await sender.send(sms())).toEqual(expected);
  });

  it('answers auth-error when the secret is refused, retry on timeout', async () => {
    const wrong = createSmsSender(options({ secret: 'another-secret-0123456789' }), { appId: 'shop' });
    try {
      expect(await wrong.send(sms())).toEqual({ kind: 'auth-error', reason: 'http-401' });
    } finally {
      await wrong.close();
    }
    mock.script.next({ hang: true });
    expect(await sender.send(sms())).toEqual({ kind: 'retry', reason: 'timeout' });
  });
});

describe('SMS resilience (retries and circuit breaker) against the Twilio mock', () => {
  let mock: TwilioMock;
  const senders: SmsSender[] = [];
  const create = (extra: Record<string, unknown> = {}): SmsSender => {
    const sender = createSmsSender({ twilio: { accountSid: TWILIO_TEST_ACCOUNT_SID, authToken: TWILIO_TEST_AUTH_TOKEN, from: TWILIO_TEST_FROM, endpoint: mock.url, ca: mock.ca, timeoutMs: 300, ...extra } }, { appId: 'shop' });
    senders.push(sender);
    return sender;
  };

  beforeAll(async () => {
    mock = await TwilioMock.start();
  });
  afterEach(() => mock.reset());
  afterAll(async () => {
    await Promise.all(senders.map((s) => s.close()));
    await mock.stop();
  });

  it('retries throttling (honouring Retry-After) and a 5xx, then delivers one text', async () => {
    mock.script.next({ status: 429, code: 20429, retryAfter: '0' }, { status: 503, code: 20500 });
    expect(await create().send(sms())).toMatchObject({ kind: 'accepted' });
    expect(mock.requests.map((r) => r.status)).toEqual([429, 503, 201]);
    expect(mock.messages).toHaveLength(1);
  });

  it('gives up after maxAttempts and hands a long Retry-After back instead of waiting', async () => {
    mock.script.next({ status: 503, code: 20500 }, { status: 503, code: 20500 });
    expect(await create({ maxAttempts: 2 }).send(sms())).toEqual({ kind: 'retry', reason: 'twilio-20500' });
    expect(mock.requests).toHaveLength(2);
    mock.reset();
    mock.script.next({ status: 429, code: 20429, retryAfter: '60' });
    expect(await create().send(sms())).toEqual({ kind: 'retry', reason: 'twilio-20429', retryAfterMs: 60_000 });
    expect(mock.requests).toHaveLength(1);
  });

  it('never resends after a timeout: the text may have gone out, and a second one costs money', async () => {
    mock.script.next({ hang: true });
    expect(await create().send(sms())).toEqual({ kind: 'retry', reason: 'timeout' });
    expect(mock.requests).toHaveLength(1);
  });

  it('does not retry an invalid number, a refusal or an auth error', async () => {
    mock.invalidNumbers.add('+15005550001');
    expect(await create().send(sms('+15005550001'))).toEqual({ kind: 'invalid-token', reason: 'twilio-21211' });
    expect(await create({ authToken: 'wrong-token' }).send(sms())).toEqual({ kind: 'auth-error', reason: 'twilio-20003' });
    expect(mock.requests).toHaveLength(2);
  });

  it('opens the circuit after consecutive failures and stops calling the gateway', async () => {
    const sender = create({ maxAttempts: 1, breakerThreshold: 2, halfOpenAfterMs: 60_000 });
    mock.script.next({ status: 503, code: 20500 }, { status: 503, code: 20500 });
    expect(await sender.send(sms())).toMatchObject({ kind: 'retry', reason: 'twilio-20500' });
    expect(await sender.send(sms())).toMatchObject({ kind: 'retry', reason: 'twilio-20500' });
    expect(await sender.send(sms())).toEqual({ kind: 'retry', reason: 'circuit-open' });
    expect(mock.requests).toHaveLength(2);
  });

  it('names a bad resilience knob in the sender block', () => {
    expect(() => create({ maxAttempts: 0 })).toThrow(/apps\.shop\.sms\.twilio\.maxAttempts/);
  });
});
