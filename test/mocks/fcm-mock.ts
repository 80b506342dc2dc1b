import { randomUUID, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMockServer, type MockRequest } from './http-mock-server.js';
import { FCM_TEST_PUBLIC_KEY, MOCK_TLS } from './fixtures.js';

/**
 * A local FCM HTTP v1 service for tests: the OAuth token endpoint (`POST /token`, RFC 7523 JWT bearer
 * grant checked against the test service-account key) and the send endpoint
 * (`POST /v1/projects/{project}/messages:send`), which requires a token this mock issued and answers
 * with FCM's real error envelope. Serves HTTPS with the mocks' test certificate.
 */

/** FCM error answers the mock can give, by FCM errorCode (plus the token-less 401). */
export type FcmMockError =
  | 'UNREGISTERED'
  | 'INVALID_ARGUMENT'
  | 'INVALID_TOKEN'
  | 'SENDER_ID_MISMATCH'
  | 'QUOTA_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'THIRD_PARTY_AUTH_ERROR'
  | 'UNAUTHENTICATED';

/** A scripted answer for a send request. */
export type FcmMockAnswer =
  | { error: FcmMockError; retryAfter?: string; delayMs?: number }
  | { status: number; body: string; headers?: Record<string, string>; delayMs?: number }
  | { ok: true; delayMs?: number }
  | { hang: true }
  | { drop: true };

/** A scripted answer for a token request. */
export type FcmMockTokenAnswer = { status: number; body: Record<string, unknown> } | { drop: true };

export interface FcmMockRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  token?: string;
  status?: number;
}

export interface FcmMockOptions {
  projectId?: string;
  /** Key that service-account assertions must verify against; default the fixture's. */
  publicKey?: KeyObject;
  port?: number;
}

const ENVELOPES: Record<FcmMockError, { status: number; grpc: string; message: string; errorCode?: string; badRequest?: boolean }> = {
  UNREGISTERED: { status: 404, grpc: 'NOT_FOUND', message: 'Requested entity was not found.', errorCode: 'UNREGISTERED' },
  INVALID_TOKEN: {
    status: 400,
    grpc: 'INVALID_ARGUMENT',
    message: 'The registration token is not a valid FCM registration token',
    errorCode: 'INVALID_ARGUMENT',
    badRequest: true,
  },
  INVALID_ARGUMENT: { status: 400, grpc: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.', errorCode: 'INVALID_ARGUMENT' },
  SENDER_ID_MISMATCH: { status: 403, grpc: 'PERMISSION_DENIED', message: 'SenderId mismatch', errorCode: 'SENDER_ID_MISMATCH' },
  QUOTA_EXCEEDED: { status: 429, grpc: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded for quota metric.', errorCode: 'QUOTA_EXCEEDED' },
  UNAVAILABLE: { status: 503, grpc: 'UNAVAILABLE', message: 'The service is currently unavailable.', errorCode: 'UNAVAILABLE' },
  INTERNAL: { status: 500, grpc: 'INTERNAL', message: 'Internal error encountered.', errorCode: 'INTERNAL' },
  THIRD_PARTY_AUTH_ERROR: { status: 401, grpc: 'UNAUTHENTICATED', message: 'Auth error from APNS or Web Push Service', errorCode: 'THIRD_PARTY_AUTH_ERROR' },
  UNAUTHENTICATED: {
    status: 401,
    grpc: 'UNAUTHENTICATED',
    message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  },
};

/** The body FCM sends for an error, as firebase-admin's tests and Google's docs show it. */
export function fcmErrorEnvelope(error: FcmMockError): { status: number; body: string } {
  const e = ENVELOPES[error];
  const details: object[] = [];
  if (e.errorCode) details.push({ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: e.errorCode });
  if (e.badRequest) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: [{ field: 'message.token', description: 'Invalid registration token' }],
    });
  }
  return { status: e.status, body: JSON.stringify({ error: { code: e.status, message: e.message, status: e.grpc, details } }) };
}


export class FcmMock {
  /** `https://127.0.0.1:<port>`: the FCM endpoint. */
  readonly url: string;
  /** The OAuth token endpoint. */
  readonly tokenUrl: string;
  readonly ca = MOCK_TLS.ca;
  readonly projectId: string;
  /** Send requests received (token requests are in `tokenRequests`). */
  readonly requests: FcmMockRequest[] = [];
  readonly tokenRequests: { claims?: Record<string, unknown>; status: number }[] = [];
  readonly script = new AnswerScript<FcmMockAnswer>();
  readonly tokenScript = new AnswerScript<FcmMockTokenAnswer>();
  /** Access tokens issued; a send must carry one of them. */
  readonly issued = new Set<string>();

  private readonly server: HttpMockServer;
  private readonly publicKey: KeyObject;

  private constructor(server: HttpMockServer, options: FcmMockOptions) {
    this.server = server;
    this.projectId = options.projectId ?? 'pushmux-test';
    this.publicKey = options.publicKey ?? FCM_TEST_PUBLIC_KEY;
    this.url = server.url;
    this.tokenUrl = `${this.url}/token`;
  }

  static async start(options: FcmMockOptions = {}): Promise<FcmMock> {
    // The shared TLS mock server reads each body and tracks sockets; this mock keeps its own log.
    let mock: FcmMock | undefined;
    const server = await HttpMockServer.start((request, res, req) => mock?.onRequest(request, res, req), options.port ?? 0);
    mock = new FcmMock(server, options);
    return mock;
  }

  next(...answers: FcmMockAnswer[]): void {
    this.script.next(...answers);
  }

  reset(): void {
    this.requests.length = 0;
    this.tokenRequests.length = 0;
    this.script.reset();
    this.tokenScript.reset();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private async onRequest(request: MockRequest, res: ServerResponse, req: IncomingMessage): Promise<void> {
    const text = request.text;
    const path = req.url ?? '';
    if (req.method === 'POST' && path === '/token') return this.onToken(text, res);
    const record: FcmMockRequest = { path, headers: req.headers, body: undefined };
    try {
      record.body = JSON.parse(text);
    } catch {
      record.body = text;
    }
    this.requests.push(record);
    const reply = (status: number, body: string, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
      res.end(body);
    };
    if (req.method !== 'POST' || path !== `/v1/projects/${this.projectId}/messages:send`) {
      return reply(404, JSON.stringify({ error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } }));
    }
    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    if (!bearer || !this.issued.has(bearer)) {
      const { status, body } = fcmErrorEnvelope('UNAUTHENTICATED');
      return reply(status, body);
    }
    const problem = this.validate(record.body);
    if (problem) return reply(400, JSON.stringify({ error: { code: 400, message: problem, status: 'INVALID_ARGUMENT', details: [] } }));
    const token = (record.body as { message: { token: string } }).message.token;
    record.token = token;

    const answer = this.script.take(token) ?? { ok: true };
    const act = (): void => {
      if ('hang' in answer) return;
      if ('drop' in answer) {
        req.socket.destroy();
        return;
      }
      if ('ok' in answer) return reply(200, JSON.stringify({ name: `projects/${this.projectId}/messages/${randomUUID()}` }));
      if ('error' in answer) {
        const { status, body } = fcmErrorEnvelope(answer.error);
        return reply(status, body, answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter });
      }
      record.status = answer.status;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body);
    };
    const delayMs = 'delayMs' in answer ? answer.delayMs : undefined;
    if (delayMs) setTimeout(act, delayMs);
    else act();
  }

  /** Checks what FCM checks before accepting a message; answers the error message or undefined. */
  private validate(body: unknown): string | undefined {
    const message = (body as { message?: Record<string, unknown> } | undefined)?.message;
    if (typeof message !== 'object' || message === null) return 'Request contains an invalid argument.';
    const targets = ['token', 'topic', 'condition'].filter((k) => message[k] !== undefined);
    if (targets.length !== 1) return 'Exactly one of token, topic or condition must be set.';
    if (typeof message.token !== 'string' || message.token === '') return 'The registration token is not a valid FCM registration token';
    const data = message.data as Record<string, unknown> | undefined;
    if (data !== undefined && Object.values(data).some((v) => typeof v !== 'string')) return 'Invalid value at message.data: values must be strings';
    const android = message.android as Record<string, unknown> | undefined;
    if (android !== undefined) {
      // firebase-admin sends "high"/"normal" in lower case: accept enum values in any case.
      if (android.priority !== undefined && !['HIGH', 'NORMAL'].includes(String(android.priority).toUpperCase())) return 'Invalid android.priority';
      if (android.ttl !== undefined && !/^\d+(\.\d{1,9})?s$/.test(String(android.ttl))) return 'Invalid android.ttl';
    }
    const size = Buffer.byteLength(JSON.stringify({ data: message.data, notification: message.notification }));
    if (size > 4096) return 'Message is too big';
    return undefined;
  }

  private onToken(text: string, res: ServerResponse): void {
    const form = new URLSearchParams(text);
    const scripted = this.tokenScript.take(undefined);
    if (scripted && 'drop' in scripted) {
      res.socket?.destroy();
      return;
    }
    const reply = (status: number, body: Record<string, unknown>, claims?: Record<string, unknown>): void => {
      this.tokenRequests.push({ status, ...(claims ? { claims } : {}) });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (scripted) return reply(scripted.status, scripted.body);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return reply(400, { error: 'unsupported_grant_type' });
    }
    const [header, claimsPart, signature] = (form.get('assertion') ?? '').split('.');
    let claims: Record<string, unknown> | undefined;
    try {
      claims = JSON.parse(Buffer.from(claimsPart ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      claims = undefined;
    }
    const signed =
      header !== undefined &&
      signature !== undefined &&
      verify('RSA-SHA256', Buffer.from(`${header}.${claimsPart}`), this.publicKey, Buffer.from(signature, 'base64url'));
    const now = Date.now() / 1000;
    if (
      !signed ||
      !claims ||
      claims.aud !== this.tokenUrl ||
      typeof claims.scope !== 'string' ||
      !claims.scope.includes('firebase.messaging') ||
      typeof claims.exp !== 'number' ||
      claims.exp < now
    ) {
      return reply(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }, claims);
    }
    const accessToken = `ya29.mock-${randomUUID()}`;
    this.issued.add(accessToken);
    reply(200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' }, claims);
  }
}
