import { describe, expect, it } from 'vitest';
import { aliyunPercentEncode, aliyunSignature, createSmsSender } from '../../../../providers/sms/index.js';
import { ConfigError } from '../../../../src/errors/index.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Alibaba Cloud RPC signature', () => {
  it('reproduces the example of Alibaba Cloud documentation (DescribeRegions, testsecret)', () => {
    const params = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };
    expect(aliyunSignature('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('encodes as RFC 3986 wants: space %20, * %2A, ~ kept', () => {
    expect(aliyunPercentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
  });
});

describe('createSmsSender options', () => {
  const twilio = { accountSid: `AC${'a'.repeat(32)}`, authToken: 'secret-token-value', from: '+15005550006' };

  it.each([
    ['apps.shop.sms', {}],
    ['apps.shop.sms', { twilio, webhook: { url: 'https://x', secret: 's'.repeat(16) } }],
    ['apps.shop.sms.twilio.accountSid', { twilio: { ...twilio, accountSid: 'nope' } }],
    ['apps.shop.sms.twilio.authToken', { twilio: { ...twilio, authToken: undefined } }],
    ['apps.shop.sms.twilio.from', { twilio: { ...twilio, from: undefined } }],
    ['apps.shop.sms.aliyun.templateCode', { aliyun: { accessKeyId: 'id', accessKeySecret: 'secret', signName: 'n', templateCode: 'X1' } }],
    ['apps.shop.sms.webhook.secret', { webhook: { url: 'https://x.example', secret: 'short' } }],
    ['apps.shop.sms.webhook.url', { webhook: { secret: 's'.repeat(16) } }],
  ])('names %s', (path, options) => {
    const error = configError(() => createSmsSender(options, { appId: 'shop' }));
    expect(error.path).toBe(path);
    expect(error.message).not.toContain('secret-token-value');
  });

  it('ignores the pipeline policy keys of the block', async () => {
    const sender = createSmsSender({ twilio, ratePerPhonePerHour: 3, costPerMessage: 0.05 }, { appId: 'shop' });
    expect(sender.name).toBe('twilio');
    await sender.close();
  });
});
