import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMock, actTransport, isTransportAnswer, later, replyJson, type MockRequest, type TransportAnswer } from './http-mock-server.js';

/**
 * A local Alibaba Cloud SMS RPC endpoint for tests: `POST /` (form) with `Action=SendSms`, checking the
 * RPC signature v1.0 itself (its own implementation, not the sender's), a fresh `SignatureNonce`, the
 * access key, and the phone number. Answers `{Code, Message, BizId, RequestId}` like the real service;
 * scripted answers give any `Code`.
 */

export const ALIYUN_TEST_ACCESS_KEY_ID = 'LTAI5tTestAccessKeyId';
export const ALIYUN_TEST_ACCESS_KEY_SECRET = 'aliyunTestAccessKeySecret012345';

export type AliyunMockAnswer = { code: string; status?: number; delayMs?: number } | TransportAnswer;

/** RFC 3986 encoding written independently of the sender's (`+`→%20, `*`→%2A, %7E→`~`). */
function encode(value: string): string {
  return encodeURIComponent(value)
    .replace(/\+/g, '%20')
    .replace(/\*/g, '%2A')
    .replace(/%7E/g, '~')
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29');
}

export class AliyunSmsMock extends HttpMock {
  readonly script = new AnswerScript<AliyunMockAnswer>();
  /** Accepted SendSms calls, parameters decoded. */
  readonly sent: Record<string, string>[] = [];
  readonly illegalNumbers = new Set<string>();

  private readonly nonces = new Set<string>();

  static start(): Promise<AliyunSmsMock> {
    return HttpMock.serve((server) => new AliyunSmsMock(server));
  }

  override get url(): string {
    return `${this.server.url}/`;
  }

  reset(): void {
    this.server.log.length = 0;
    this.sent.length = 0;
    this.script.reset();
    this.illegalNumbers.clear();
  }

  protected handle(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    const requestId = `REQ-${this.server.log.length}`;
    const answer = (code: string, status = 200, extra: Record<string, string> = {}): void =>
      replyJson(request, res, status, { Code: code, Message: code === 'OK' ? 'OK' : `scripted ${code}`, RequestId: requestId, ...extra });
    const params = Object.fromEntries(new URLSearchParams(request.text));
    if (params.AccessKeyId !== ALIYUN_TEST_ACCESS_KEY_ID) return answer('InvalidAccessKeyId.NotFound', 404);
    const { Signature: signature, ...unsigned } = params;
    const canonical = Object.keys(unsigned)
      .sort()
      .map((k) => `${encode(k)}=${encode(unsigned[k]!)}`)
      .join('&');
    const expected = createHmac('sha1', `${ALIYUN_TEST_ACCESS_KEY_SECRET}&`).update(`${request.method}&${encode('/')}&${encode(canonical)}`).digest('base64');
    if (signature !== expected) return answer('SignatureDoesNotMatch', 400);
    if (!params.SignatureNonce || this.nonces.has(params.SignatureNonce)) return answer('SignatureNonceUsed', 400);
    this.nonces.add(params.SignatureNonce);
    if (params.Action !== 'SendSms' || params.Version !== '2017-05-25' || params.SignatureMethod !== 'HMAC-SHA1') return answer('InvalidParameter', 400);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp ?? '')) return answer('InvalidTimeStamp.Format', 400);
    const scripted = this.script.take(params.PhoneNumbers);
    later(scripted !== undefined && 'delayMs' in scripted ? scripted.delayMs : undefined, () => {
      if (scripted !== undefined) {
        if (isTransportAnswer(scripted)) return actTransport(scripted, req);
        return answer(scripted.code, scripted.status ?? 200);
      }
      if (!/^\d{6,15}$/.test(params.PhoneNumbers ?? '') || this.illegalNumbers.has(params.PhoneNumbers!)) return answer('isv.MOBILE_NUMBER_ILLEGAL');
      this.sent.push(params);
      answer('OK', 200, { BizId: `${900000 + this.sent.length}^0` });
    });
  }
}
