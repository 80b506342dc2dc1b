import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMock, actTransport, isTransportAnswer, later, replyJson, type MockRequest, type TransportAnswer } from './http-mock-server.js';

/**
 * A local Honor Push for tests: the IAM token endpoint (`POST /auth/token`, client credentials) and
 * `POST /api/v1/{appId}/sendMessage`, which requires a Bearer token this mock issued (expired → HTTP
 * 401 code 80200003) and a `timestamp` header, and answers `{code: 200, data: {requestId, failTokens}}`
 * with the tokens of `failTokens` listed (all of them → 80300007). Scripted answers give any code.
 */

export const HONOR_TEST_APP_ID = '104400001';
export const HONOR_TEST_CLIENT_ID = 'honor-test-client-id';
export const HONOR_TEST_CLIENT_SECRET = 'honor-test-client-secret-0123456789';

export type HonorMockAnswer = { code: number; status?: number; message?: string; retryAfter?: string; delayMs?: number } | TransportAnswer;
export type HonorMockTokenAnswer = { status: number; body: Record<string, unknown> } | TransportAnswer;

export interface HonorMockSend {
  tokens: string[];
  body: Record<string, unknown>;
  requestId: string;
}

export class HonorMock extends HttpMock {
  readonly script = new AnswerScript<HonorMockAnswer>();
  readonly tokenScript = new AnswerScript<HonorMockTokenAnswer>();
  readonly sends: HonorMockSend[] = [];
  readonly failTokens = new Set<string>();

  private readonly issued = new Map<string, boolean>();

  static start(): Promise<HonorMock> {
    return HttpMock.serve((server) => new HonorMock(server));
  }

  get tokenUrl(): string {
    return `${this.server.url}/auth/token`;
  }

  get tokenRequests(): MockRequest[] {
    return this.server.log.filter((r) => r.path === '/auth/token');
  }

  get sendRequests(): MockRequest[] {
    return this.server.log.filter((r) => r.path !== '/auth/token');
  }

  expireTokens(): void {
    for (const token of this.issued.keys()) this.issued.set(token, false);
  }

  reset(): void {
    this.server.log.length = 0;
    this.sends.length = 0;
    this.script.reset();
    this.tokenScript.reset();
    this.failTokens.clear();
  }

  protected handle(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    if (request.method === 'POST' && request.path === '/auth/token') return this.onToken(request, res, req);
    if (request.method === 'POST' && request.path === `/api/v1/${HONOR_TEST_APP_ID}/sendMessage`) return this.onSend(request, res, req);
    replyJson(request, res, 404, { code: 404, message: 'not found' });
  }

  private onToken(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    const scripted = this.tokenScript.take(undefined);
    if (scripted !== undefined) {
      if (isTransportAnswer(scripted)) return actTransport(scripted, req);
      return replyJson(request, res, scripted.status, scripted.body);
    }
    const form = new URLSearchParams(request.text);
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== HONOR_TEST_CLIENT_ID || form.get('client_secret') !== HONOR_TEST_CLIENT_SECRET) {
      return replyJson(request, res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
    }
    const token = `honor-${randomUUID()}`;
    this.issued.set(token, true);
    replyJson(request, res, 200, { access_token: token, expires_in: 3600, token_type: 'Bearer' });
  }

  private onSend(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    const valid = this.issued.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '');
    if (valid === undefined) return replyJson(request, res, 401, { code: 80200001, message: 'Oauth authentication error' });
    if (!valid) return replyJson(request, res, 401, { code: 80200003, message: 'Oauth Token expired' });
    if (!/^\d{13}$/.test(String(request.headers.timestamp))) return replyJson(request, res, 400, { code: 80100001, message: 'timestamp header is required' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.text) as Record<string, unknown>;
    } catch {
      return replyJson(request, res, 400, { code: 80100003, message: 'Illegal payload' });
    }
    const tokens = body.token;
    if (!Array.isArray(tokens) || tokens.length === 0 || tokens.length > 1000) return replyJson(request, res, 400, { code: 80100001, message: 'token must hold 1 to 1000 tokens' });
    const answer = this.script.take(tokens[0] as string);
    later(answer !== undefined && 'delayMs' in answer ? answer.delayMs : undefined, () => {
      if (answer !== undefined) {
        if (isTransportAnswer(answer)) return actTransport(answer, req);
        return replyJson(request, res, answer.status ?? 200, { code: answer.code, message: answer.message ?? 'scripted' }, answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter });
      }
      const failed = (tokens as string[]).filter((t) => this.failTokens.has(t));
      if (failed.length === tokens.length) return replyJson(request, res, 200, { code: 80300007, message: 'All the tokens are invalid' });
      const requestId = randomUUID();
      this.sends.push({ tokens: (tokens as string[]).filter((t) => !this.failTokens.has(t)), body, requestId });
      replyJson(request, res, 200, { code: 200, message: 'success', data: { sendResult: true, requestId, ...(failed.length > 0 ? { failTokens: failed } : {}) } });
    });
  }
}
