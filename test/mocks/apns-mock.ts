import { randomUUID, verify, type KeyObject } from 'node:crypto';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { AnswerScript } from './answer-script.js';
import { APNS_TEST_KEY, MOCK_TLS } from './fixtures.js';

/**
 * A local APNs provider API (HTTP/2 over TLS, token auth) for tests and benchmarks. It checks what Apple
 * checks before delivering — the ES256 JWT against the test key, team and key id, the path, the
 * required headers and their values, the payload size — and answers in Apple's format. Tests script
 * the next answers: any status and reason, slow answers, hung streams, reset streams and dropped
 * connections.
 */

/** A scripted answer. */
export type ApnsMockAnswer =
  | { status: number; reason?: string; timestamp?: number; delayMs?: number }
  /** Never answer the stream (the client must time out). */
  | { hang: true }
  /** `stream`: RST_STREAM; `connection`: destroy the TCP socket under the session. */
  | { drop: 'stream' | 'connection'; delayMs?: number };

/** One request as the mock received it. */
export interface ApnsMockRequest {
  method: string;
  path: string;
  token: string;
  headers: Record<string, string>;
  body: unknown;
  bytes: number;
  jwt?: { header: Record<string, unknown>; claims: Record<string, unknown> };
  /** The status the mock answered (undefined for hangs and drops). */
  status?: number;
}

export interface ApnsMockOptions {
  teamId?: string;
  keyId?: string;
  /** Public key the JWTs must verify against; default the fixture `.p8`'s. */
  publicKey?: KeyObject;
  /** When set, any other `apns-topic` answers 400 TopicDisallowed. */
  topic?: string;
  port?: number;
  /** Keep a log of requests (off for benchmarks); default true. */
  record?: boolean;
}

const PUSH_TYPES = new Set([
  'alert',
  'background',
  'voip',
  'complication',
  'fileprovider',
  'mdm',
  'liveactivity',
  'location',
  'pushtotalk',
  'widgets',
]);

interface Rejection {
  status: number;
  reason: string;
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (!segment) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class ApnsMock {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** PEM to trust the mock's certificate. */
  readonly ca = MOCK_TLS.ca;
  /** Requests received, in order (when `record` is on). */
  readonly requests: ApnsMockRequest[] = [];
  readonly script = new AnswerScript<ApnsMockAnswer>();
  /** Requests answered, recorded or not. */
  requestCount = 0;
  /** HTTP/2 sessions (connections) opened so far. */
  sessionCount = 0;

  private readonly server: http2.Http2SecureServer;
  private readonly options: Required<Omit<ApnsMockOptions, 'topic' | 'port'>> & { topic?: string };
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  /** Raw TLS sockets by client port: http2 forbids destroying `session.socket`, a proxy. */
  private readonly sockets = new Map<number, TLSSocket>();
  /** JWTs already verified: ECDSA verify per request would dominate a benchmark. */
  private readonly verifiedTokens = new Map<string, Record<string, unknown>>();

  private constructor(server: http2.Http2SecureServer, options: ApnsMockOptions) {
    this.server = server;
    this.options = {
      teamId: options.teamId ?? APNS_TEST_KEY.teamId,
      keyId: options.keyId ?? APNS_TEST_KEY.keyId,
      publicKey: options.publicKey ?? APNS_TEST_KEY.publicKey,
      record: options.record ?? true,
      ...(options.topic !== undefined ? { topic: options.topic } : {}),
    };
    const address = server.address() as AddressInfo;
    this.url = `https://127.0.0.1:${address.port}`;
  }

  /** Starts a mock on `port` (default: a free one). */
  static async start(options: ApnsMockOptions = {}): Promise<ApnsMock> {
    const server = http2.createSecureServer({
      key: MOCK_TLS.key,
      cert: MOCK_TLS.cert,
      // Apple's observed SETTINGS (pushy #878).
      settings: { maxConcurrentStreams: 1000, maxHeaderListSize: 8000 },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const mock = new ApnsMock(server, options);
    server.on('session', (session) => {
      mock.sessionCount += 1;
      mock.sessions.add(session);
      session.on('close', () => mock.sessions.delete(session));
      session.on('error', () => undefined);
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      const port = socket.remotePort;
      if (port === undefined) return;
      mock.sockets.set(port, socket);
      socket.on('close', () => mock.sockets.delete(port));
    });
    server.on('stream', (stream, headers) => mock.onStream(stream, headers));
    return mock;
  }

  /** Queues answers for the next requests (see {@link AnswerScript}). */
  next(...answers: ApnsMockAnswer[]): void {
    this.script.next(...answers);
  }

  /** Clears the request log and the script. */
  reset(): void {
    this.requests.length = 0;
    this.requestCount = 0;
    this.script.reset();
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', () => undefined);
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => this.handle(stream, headers, Buffer.concat(chunks)));
  }

  private handle(stream: http2.ServerHttp2Stream, rawHeaders: http2.IncomingHttpHeaders, raw: Buffer): void {
    this.requestCount += 1;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(rawHeaders)) {
      if (typeof value === 'string') headers[name] = value;
      else if (Array.isArray(value)) headers[name] = value.join(',');
    }
    const path = headers[':path'] ?? '';
    const token = path.startsWith('/3/device/') ? decodeURIComponent(path.slice('/3/device/'.length)) : '';
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = raw.toString('utf8');
    }
    const request: ApnsMockRequest = { method: headers[':method'] ?? '', path, token, headers, body, bytes: raw.length };
    const rejection = this.check(request, headers, raw);
    if (this.options.record) this.requests.push(request);
    if (rejection) {
      request.status = rejection.status;
      this.answer(stream, rejection);
      return;
    }
    const answer = this.script.take(token) ?? { status: 200 };
    const act = (): void => {
      if ('hang' in answer) return;
      if ('drop' in answer) {
        if (answer.drop === 'stream') stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
        else this.dropConnection(stream);
        return;
      }
      request.status = answer.status;
      this.answer(stream, answer);
    };
    const delayMs = 'delayMs' in answer ? answer.delayMs : undefined;
    if (delayMs) setTimeout(act, delayMs);
    else act();
  }

  /** Kills the TCP connection under a stream with no GOAWAY: what a dead middlebox or peer looks like. */
  private dropConnection(stream: http2.ServerHttp2Stream): void {
    const port = stream.session?.socket.remotePort;
    const socket = port === undefined ? undefined : this.sockets.get(port);
    if (socket) socket.destroy();
    else stream.session?.destroy();
  }

  private answer(stream: http2.ServerHttp2Stream, answer: { status: number; reason?: string; timestamp?: number }): void {
    if (stream.destroyed || stream.closed) return;
    if (answer.status === 200) {
      stream.respond({ ':status': 200, 'apns-id': randomUUID() });
      stream.end();
      return;
    }
    const payload: Record<string, unknown> = { reason: answer.reason ?? 'InternalServerError' };
    if (answer.status === 410) payload.timestamp = answer.timestamp ?? Date.now();
    stream.respond({ ':status': answer.status, 'content-type': 'application/json', 'apns-id': randomUUID() });
    stream.end(JSON.stringify(payload));
  }

  /** What APNs itself would refuse, in the order it checks; undefined when the request is valid. */
  private check(request: ApnsMockRequest, headers: Record<string, string>, raw: Buffer): Rejection | undefined {
    if (request.method !== 'POST') return { status: 405, reason: 'MethodNotAllowed' };
    if (!request.path.startsWith('/3/device/')) return { status: 404, reason: 'BadPath' };
    if (request.token === '') return { status: 400, reason: 'MissingDeviceToken' };

    const authorization = headers.authorization;
    if (!authorization) return { status: 403, reason: 'MissingProviderToken' };
    const jwt = authorization.startsWith('bearer ') ? authorization.slice(7) : '';
    const verified = this.verifyJwt(jwt);
    if (verified === 'expired') return { status: 403, reason: 'ExpiredProviderToken' };
    if (!verified) return { status: 403, reason: 'InvalidProviderToken' };
    request.jwt = verified;

    const topic = headers['apns-topic'];
    if (!topic) return { status: 400, reason: 'MissingTopic' };
    if (this.options.topic !== undefined && topic !== this.options.topic) return { status: 400, reason: 'TopicDisallowed' };
    const pushType = headers['apns-push-type'] ?? 'alert';
    if (!PUSH_TYPES.has(pushType)) return { status: 400, reason: 'InvalidPushType' };
    const priority = headers['apns-priority'];
    if (priority !== undefined && !['1', '5', '10'].includes(priority)) return { status: 400, reason: 'BadPriority' };
    if (pushType === 'background' && priority === '10') return { status: 400, reason: 'BadPriority' };
    const expiration = headers['apns-expiration'];
    if (expiration !== undefined && !/^\d+$/.test(expiration)) return { status: 400, reason: 'BadExpirationDate' };
    const collapseId = headers['apns-collapse-id'];
    if (collapseId !== undefined && Buffer.byteLength(collapseId) > 64) return { status: 400, reason: 'BadCollapseId' };
    const apnsId = headers['apns-id'];
    if (apnsId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(apnsId)) {
      return { status: 400, reason: 'BadMessageId' };
    }

    if (raw.length === 0) return { status: 400, reason: 'PayloadEmpty' };
    if (raw.length > (pushType === 'voip' ? 5120 : 4096)) return { status: 413, reason: 'PayloadTooLarge' };
    const body = request.body;
    if (typeof body !== 'object' || body === null || typeof (body as { aps?: unknown }).aps !== 'object') {
      return { status: 400, reason: 'PayloadEmpty' };
    }
    if (!/^[0-9a-f]{64,200}$/i.test(request.token)) return { status: 400, reason: 'BadDeviceToken' };
    return undefined;
  }

  private verifyJwt(jwt: string): ApnsMockRequest['jwt'] | 'expired' | undefined {
    const cached = this.verifiedTokens.get(jwt);
    const [headerPart, claimsPart, signaturePart] = jwt.split('.');
    const header = decodeSegment(headerPart);
    const claims = cached ?? decodeSegment(claimsPart);
    if (!header || !claims || signaturePart === undefined) return undefined;
    if (!cached) {
      if (header.alg !== 'ES256' || header.kid !== this.options.keyId) return undefined;
      if (claims.iss !== this.options.teamId || typeof claims.iat !== 'number') return undefined;
      const ok = verify(
        'sha256',
        Buffer.from(`${headerPart}.${claimsPart}`),
        { key: this.options.publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signaturePart, 'base64url'),
      );
      if (!ok) return undefined;
      if (this.verifiedTokens.size > 1_000) this.verifiedTokens.clear();
      this.verifiedTokens.set(jwt, claims);
    }
    // Apple refuses tokens older than an hour.
    if (Date.now() / 1000 - (claims.iat as number) > 3600) return 'expired';
    return { header, claims };
  }
}
