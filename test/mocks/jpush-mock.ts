import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMockServer, type MockRequest } from './http-mock-server.js';
import { MOCK_TLS } from './fixtures.js';

/**
 * A local JPush v3 service for tests: `POST /v3/push` (HTTP Basic auth with app key and master secret,
 * audience of ≤ 1,000 registration ids, rate-limit headers on every answer, 2002 when the window's
 * quota is spent, 1011 when no registration id is known) and the report API: `POST /v3/status/message`
 * and `GET /v3/received/detail`. Serves HTTPS with the mocks' test certificate; one mock serves both
 * the push and the report endpoint.
 */

/** A scripted answer for the next push request(s). */
export type JPushMockAnswer =
  | { code: number; status: number; message?: string; delayMs?: number }
  | { hang: true }
  | { drop: true }
  | { ok: true; delayMs?: number };

export interface JPushMockPush {
  msgId: string;
  body: Record<string, unknown>;
  registrationIds: string[];
}

export interface JPushMockOptions {
  appKey?: string;
  masterSecret?: string;
  /** Push calls per window (JPush free tier: 600 a minute). */
  quota?: number;
  windowSeconds?: number;
  port?: number;
}

export const JPUSH_TEST_APP_KEY = '0123456789abcdef01234567';
export const JPUSH_TEST_MASTER_SECRET = 'abcdefghijklmnopqrstuvwx';

/** Report statuses of `/v3/status/message`. */
export const JPUSH_STATUS = { delivered: 0, notDelivered: 1, notInApp: 2, notTarget: 3, systemError: 4 } as const;


export class JPushMock {
  readonly url: string;
  readonly ca = MOCK_TLS.ca;
  /** Accepted pushes, in order. */
  readonly pushes: JPushMockPush[] = [];
  /** Every request (push and report), in order. */
  readonly requests: { method: string; path: string; authorized: boolean; status?: number; body?: unknown }[] = [];
  readonly script = new AnswerScript<JPushMockAnswer>();
  /** Registration ids JPush does not know: a push whose whole audience is unknown answers 1011. */
  readonly unknownIds = new Set<string>();
  /** Registration ids JPush calls illegal (1003). */
  readonly illegalIds = new Set<string>();
  /** Report statuses by `${msgId}/${registrationId}`; default delivered for targets, not-target otherwise. */
  readonly statuses = new Map<string, number>();
  /** Answer chunked (no content-length), which crashed jpush-async. */
  chunked = true;

  private readonly server: HttpMockServer;
  private readonly authorization: string;
  private readonly quota: number;
  private readonly windowMs: number;
  private windowStart = Date.now();
  private used = 0;
  private nextMsgId = 18_100_417_406_720_637n;

  private constructor(server: HttpMockServer, options: JPushMockOptions) {
    this.server = server;
    const appKey = options.appKey ?? JPUSH_TEST_APP_KEY;
    const secret = options.masterSecret ?? JPUSH_TEST_MASTER_SECRET;
    this.authorization = `Basic ${Buffer.from(`${appKey}:${secret}`).toString('base64')}`;
    this.quota = options.quota ?? 600;
    this.windowMs = (options.windowSeconds ?? 60) * 1000;
    this.url = server.url;
  }

  static async start(options: JPushMockOptions = {}): Promise<JPushMock> {
    // The shared TLS mock server reads each body and tracks sockets; this mock keeps its own log.
    let mock: JPushMock | undefined;
    const server = await HttpMockServer.start((request, res, req) => mock?.onRequest(request, res, req), options.port ?? 0);
    mock = new JPushMock(server, options);
    return mock;
  }

  /** Sets what is left of the current rate-limit window. */
  setRemaining(remaining: number, resetSeconds?: number): void {
    this.used = this.quota - remaining;
    if (resetSeconds !== undefined) this.windowStart = Date.now() - this.windowMs + resetSeconds * 1000;
  }

  reset(): void {
    this.pushes.length = 0;
    this.requests.length = 0;
    this.script.reset();
    this.unknownIds.clear();
    this.illegalIds.clear();
    this.statuses.clear();
    this.used = 0;
    this.windowStart = Date.now();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private rateHeaders(): Record<string, string> {
    const now = Date.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    return {
      'x-rate-limit-quota': String(this.quota),
      'x-rate-limit-remaining': String(Math.max(0, this.quota - this.used)),
      'x-rate-limit-reset': String(Math.max(0, Math.ceil((this.windowStart + this.windowMs - now) / 1000))),
    };
  }

  private async onRequest(request: MockRequest, res: ServerResponse, req: IncomingMessage): Promise<void> {
    const text = request.text;
    const url = new URL(req.url ?? '/', 'https://mock');
    const authorized = req.headers.authorization === this.authorization;
    const record: (typeof this.requests)[number] = { method: req.method ?? '', path: url.pathname, authorized };
    try {
      record.body = text === '' ? undefined : JSON.parse(text);
    } catch {
      record.body = text;
    }
    this.requests.push(record);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      const json = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...headers, ...(this.chunked ? {} : { 'content-length': String(Buffer.byteLength(json)) }) });
      if (this.chunked) {
        // Two writes force two chunks on the wire.
        const middle = Math.floor(json.length / 2);
        res.write(json.slice(0, middle));
        setImmediate(() => res.end(json.slice(middle)));
      } else {
        res.end(json);
      }
    };
    const error = (status: number, code: number, message: string, headers: Record<string, string> = {}): void =>
      reply(status, { error: { code, message } }, headers);

    if (!authorized) return error(401, 1004, 'Authen failed');
    if (url.pathname === '/v3/push' && req.method === 'POST') return this.onPush(text, req, res, reply, error);
    if (url.pathname === '/v3/status/message' && req.method === 'POST') return this.onStatus(text, reply, error);
    if (url.pathname === '/v3/received/detail' && req.method === 'GET') return this.onReceivedDetail(url, reply);
    return error(404, 1020, 'Not found');
  }

  private onPush(
    text: string,
    req: IncomingMessage,
    _res: ServerResponse,
    reply: (status: number, body: unknown, headers?: Record<string, string>) => void,
    error: (status: number, code: number, message: string, headers?: Record<string, string>) => void,
  ): void {
    const headers = this.rateHeaders();
    if (this.used >= this.quota) return error(429, 2002, 'Rate limit exceeded', headers);
    this.used += 1;
    const rate = this.rateHeaders();

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return error(400, 1003, 'Request body is not valid JSON', rate);
    }
    const ids = (body.audience as { registration_id?: unknown } | undefined)?.registration_id;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string')) {
      return error(400, 1003, 'audience must carry registration_id', rate);
    }
    if (ids.length > 1000) return error(400, 1003, 'registration_id exceeds 1000', rate);
    if (body.notification === undefined && body.message === undefined) return error(400, 1002, 'notification or message is required', rate);
    const options = body.options as Record<string, unknown> | undefined;
    const ttl = options?.time_to_live;
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > 864_000)) {
      return error(400, 1003, 'time_to_live is invalid', rate);
    }
    if (options?.apns_production !== undefined && typeof options.apns_production !== 'boolean') {
      return error(400, 1003, 'apns_production must be a boolean', rate);
    }
    if (ids.some((id) => this.illegalIds.has(id as string))) return error(400, 1003, 'registration_id is illegal', rate);

    const answer = this.script.take((ids as string[])[0]) ?? { ok: true };
    const act = (): void => {
      if ('hang' in answer) return;
      if ('drop' in answer) {
        req.socket.destroy();
        return;
      }
      if ('code' in answer) return error(answer.status, answer.code, answer.message ?? 'scripted error', rate);
      if (ids.every((id) => this.unknownIds.has(id as string))) return error(400, 1011, 'cannot find user by this audience', rate);
      const msgId = String(this.nextMsgId);
      this.nextMsgId += 1n;
      this.pushes.push({ msgId, body, registrationIds: ids as string[] });
      reply(200, { sendno: '0', msg_id: msgId }, rate);
    };
    const delayMs = 'delayMs' in answer ? answer.delayMs : undefined;
    if (delayMs) setTimeout(act, delayMs);
    else act();
  }

  private onStatus(
    text: string,
    reply: (status: number, body: unknown) => void,
    error: (status: number, code: number, message: string) => void,
  ): void {
    // msg_id is an int64: read it from the text, as a real client must write it.
    const msgId = /"msg_id"\s*:\s*"?(\d+)"?/.exec(text)?.[1];
    let ids: unknown;
    try {
      ids = (JSON.parse(text) as { registration_ids?: unknown }).registration_ids;
    } catch {
      ids = undefined;
    }
    if (msgId === undefined || !Array.isArray(ids) || ids.length > 1000) return error(400, 1003, 'msg_id and registration_ids are required');
    const push = this.pushes.find((p) => p.msgId === msgId);
    const result: Record<string, { status: number }> = {};
    for (const id of ids as string[]) {
      const scripted = this.statuses.get(`${msgId}/${id}`);
      let status: number = JPUSH_STATUS.notTarget;
      if (scripted !== undefined) status = scripted;
      else if (this.unknownIds.has(id)) status = JPUSH_STATUS.notInApp;
      else if (push?.registrationIds.includes(id)) status = JPUSH_STATUS.delivered;
      result[id] = { status };
    }
    reply(200, result);
  }

  private onReceivedDetail(url: URL, reply: (status: number, body: unknown) => void): void {
    const msgIds = (url.searchParams.get('msg_ids') ?? '').split(',').filter((id) => id !== '');
    reply(
      200,
      msgIds.map((msgId) => {
        const push = this.pushes.find((p) => p.msgId === msgId);
        const received = push ? push.registrationIds.filter((id) => !this.unknownIds.has(id)).length : 0;
        return { msg_id: msgId, jpush_received: received, android_pns_sent: 0, android_pns_received: 0, ios_apns_sent: 0, ios_apns_received: 0 };
      }),
    );
  }
}
