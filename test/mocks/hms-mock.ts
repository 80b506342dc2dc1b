import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMock, actTransport, isTransportAnswer, later, replyJson, type MockRequest, type TransportAnswer } from './http-mock-server.js';

/**
 * A local Huawei Push Kit for tests: the OAuth endpoint (`POST /oauth2/v3/token`, client credentials)
 * and the v1 send endpoint (`POST /v1/{clientId}/messages:send`), which requires an unexpired token this
 * mock issued (else HTTP 401 code 80200003), checks the body as Push Kit does (≤ 1,000 tokens, ttl
 * format, 4,096-byte message), and answers 80000000, 80100000 with `illegal_tokens` (partial), or
 * 80300007 (all tokens invalid) from its `illegalTokens` set. Scripted answers cover flow control
 * (HTTP 503 + Retry-After), other codes, hangs and dropped connections.
 */

export const HMS_TEST_CLIENT_ID = '104567891';
export const HMS_TEST_CLIENT_SECRET = 'hms-test-client-secret-0123456789abcdef';

/** A scripted answer for the next send request(s). */
export type HmsMockAnswer =
  | { status?: number; code: string; msg?: string; retryAfter?: string; delayMs?: number }
  | { ok: true; delayMs?: number }
  | TransportAnswer;

/** A scripted answer for the next token request(s). */
export type HmsMockTokenAnswer = { status: number; body: Record<string, unknown> } | TransportAnswer;

export interface HmsMockSend {
  tokens: string[];
  message: Record<string, unknown>;
  requestId: string;
}

export class HmsMock extends HttpMock {
  readonly script = new AnswerScript<HmsMockAnswer>();
  readonly tokenScript = new AnswerScript<HmsMockTokenAnswer>();
  /** Accepted sends (tokens that were not illegal), in order. */
  readonly sends: HmsMockSend[] = [];
  /** Tokens Push Kit calls illegal. */
  readonly illegalTokens = new Set<string>();
  /** `expires_in` of issued tokens, seconds. Tokens stay valid until {@link expireTokens}. */
  tokenLifetimeSeconds = 3600;

  private readonly issued = new Map<string, boolean>();

  static start(): Promise<HmsMock> {
    return HttpMock.serve((server) => new HmsMock(server));
  }

  get tokenUrl(): string {
    return `${this.server.url}/oauth2/v3/token`;
  }

  get tokenRequests(): MockRequest[] {
    return this.server.log.filter((r) => r.path === '/oauth2/v3/token');
  }

  get sendRequests(): MockRequest[] {
    return this.server.log.filter((r) => r.path !== '/oauth2/v3/token');
  }

  /** Makes every issued token expired, as after an hour. */
  expireTokens(): void {
    for (const token of this.issued.keys()) this.issued.set(token, false);
  }

  reset(): void {
    this.server.log.length = 0;
    this.sends.length = 0;
    this.script.reset();
    this.tokenScript.reset();
    this.illegalTokens.clear();
    this.tokenLifetimeSeconds = 3600;
  }

  protected handle(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    if (request.method === 'POST' && request.path === '/oauth2/v3/token') return this.onToken(request, res, req);
    if (request.method === 'POST' && request.path === `/v1/${HMS_TEST_CLIENT_ID}/messages:send`) return this.onSend(request, res, req);
    replyJson(request, res, 404, { code: '80100001', msg: 'wrong URI' });
  }

  private onToken(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    const scripted = this.tokenScript.take(undefined);
    if (scripted !== undefined) {
      if (isTransportAnswer(scripted)) return actTransport(scripted, req);
      return replyJson(request, res, scripted.status, scripted.body);
    }
    const form = new URLSearchParams(request.text);
    if (form.get('grant_type') !== 'client_credentials') {
      return replyJson(request, res, 400, { error: 1102, sub_error: 20001, error_description: 'unsupported grant_type' });
    }
    if (form.get('client_id') !== HMS_TEST_CLIENT_ID || form.get('client_secret') !== HMS_TEST_CLIENT_SECRET) {
      return replyJson(request, res, 400, { error: 1101, sub_error: 20203, error_description: 'invalid client secret' });
    }
    const token = `CgB6e3x9${randomUUID()}`;
    this.issued.set(token, true);
    replyJson(request, res, 200, { access_token: token, expires_in: this.tokenLifetimeSeconds, token_type: 'Bearer' });
  }

  private onSend(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    const bearer = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const valid = this.issued.get(bearer);
    if (valid === undefined) return replyJson(request, res, 401, { code: '80200001', msg: 'Oauth authentication error', requestId: '' });
    if (!valid) return replyJson(request, res, 401, { code: '80200003', msg: 'Oauth Token expired.', requestId: '' });
    let message: Record<string, unknown>;
    try {
      message = (JSON.parse(request.text) as { message: Record<string, unknown> }).message;
    } catch {
      return replyJson(request, res, 400, { code: '80100003', msg: 'Illegal payload, the JSON structure is incorrect', requestId: '' });
    }
    const tokens = message?.token;
    if (!Array.isArray(tokens) || tokens.length === 0 || tokens.some((t) => typeof t !== 'string')) {
      return replyJson(request, res, 400, { code: '80100001', msg: 'Some request parameters are incorrectly set', requestId: '' });
    }
    if (tokens.length > 1000) return replyJson(request, res, 400, { code: '80300010', msg: 'The number of tokens exceeds 1000', requestId: '' });
    const android = message.android as { ttl?: unknown } | undefined;
    if (android?.ttl !== undefined && !/^\d+(\.\d+)?s$/.test(String(android.ttl))) {
      return replyJson(request, res, 400, { code: '80100004', msg: 'The message TTL is invalid', requestId: '' });
    }
    const { token: _tokens, ...content } = message;
    if (Buffer.byteLength(JSON.stringify(content)) > 4096) {
      return replyJson(request, res, 400, { code: '80300008', msg: 'The message body size exceeds the default value', requestId: '' });
    }

    const answer = this.script.take(tokens[0] as string) ?? { ok: true };
    later('delayMs' in answer ? answer.delayMs : undefined, () => {
      if (isTransportAnswer(answer)) return actTransport(answer, req);
      const requestId = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
      if ('code' in answer) {
        return replyJson(request, res, answer.status ?? 200, { code: answer.code, msg: answer.msg ?? 'scripted', requestId }, answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter });
      }
      const illegal = (tokens as string[]).filter((t) => this.illegalTokens.has(t));
      const good = (tokens as string[]).filter((t) => !this.illegalTokens.has(t));
      if (good.length === 0) return replyJson(request, res, 200, { code: '80300007', msg: 'All the tokens are invalid', requestId });
      this.sends.push({ tokens: good, message, requestId });
      if (illegal.length > 0) {
        const msg = JSON.stringify({ success: good.length, failure: illegal.length, illegal_tokens: illegal });
        return replyJson(request, res, 200, { code: '80100000', msg, requestId });
      }
      replyJson(request, res, 200, { code: '80000000', msg: 'Success', requestId });
    });
  }
}
