import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMock, actTransport, isTransportAnswer, later, replyJson, type MockRequest, type TransportAnswer } from './http-mock-server.js';

/**
 * A local OPPO Push server API for tests: `POST /server/v1/auth` (form app_key, timestamp, sign =
 * sha256(app_key + timestamp + master_secret), checked here), `.../message/notification/unicast` and
 * `.../unicast_batch` (form, `auth_token` required: unknown or expired → code 11). Registration ids in
 * `invalidRegids` fail with code 10000 (per target in a batch). Scripted answers give any code.
 */

export const OPPO_TEST_APP_KEY = 'oppoTestAppKey01';
export const OPPO_TEST_MASTER_SECRET = 'oppoTestMasterSecret0123456789ab';

export type OppoMockAnswer = { code: number; message?: string; status?: number; delayMs?: number } | TransportAnswer;

export interface OppoMockMessage {
  messageId: string;
  registrationId: string;
  notification: Record<string, unknown>;
}

export class OppoMock extends HttpMock {
  readonly script = new AnswerScript<OppoMockAnswer>();
  readonly authScript = new AnswerScript<OppoMockAnswer>();
  readonly messages: OppoMockMessage[] = [];
  readonly invalidRegids = new Set<string>();

  private readonly issued = new Map<string, boolean>();
  private nextId = 1;

  static start(): Promise<OppoMock> {
    return HttpMock.serve((server) => new OppoMock(server));
  }

  get authRequests(): MockRequest[] {
    return this.server.log.filter((r) => r.path === '/server/v1/auth');
  }

  get sendRequests(): MockRequest[] {
    return this.server.log.filter((r) => r.path !== '/server/v1/auth');
  }

  /** Makes every issued auth_token invalid, as after 24 hours. */
  expireTokens(): void {
    for (const token of this.issued.keys()) this.issued.set(token, false);
  }

  reset(): void {
    this.server.log.length = 0;
    this.messages.length = 0;
    this.script.reset();
    this.authScript.reset();
    this.invalidRegids.clear();
  }

  protected handle(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    const reply = (code: number, message: string, data?: unknown, status = 200): void => replyJson(request, res, status, data === undefined ? { code, message } : { code, message, data });
    const form = Object.fromEntries(new URLSearchParams(request.text));
    if (request.method !== 'POST') return reply(12, 'Http Action Not Allowed');
    if (request.path === '/server/v1/auth') {
      const scripted = this.authScript.take(undefined);
      if (scripted !== undefined) {
        if (isTransportAnswer(scripted)) return actTransport(scripted, req);
        return reply(scripted.code, scripted.message ?? 'scripted', undefined, scripted.status ?? 200);
      }
      if (form.app_key !== OPPO_TEST_APP_KEY) return reply(14, 'Invalid AppKey');
      if (!/^\d{13}$/.test(form.timestamp ?? '')) return reply(19, 'Invalid Timestamp');
      const expected = createHash('sha256').update(`${form.app_key}${form.timestamp}${OPPO_TEST_MASTER_SECRET}`).digest('hex');
      if (form.sign !== expected) return reply(16, 'Invalid Signature');
      const token = randomUUID();
      this.issued.set(token, true);
      return reply(0, 'Success', { auth_token: token, create_time: Date.now() });
    }
    const single = request.path === '/server/v1/message/notification/unicast';
    const batch = request.path === '/server/v1/message/notification/unicast_batch';
    if (!single && !batch) return reply(20, 'Invalid Method', undefined, 404);
    if (!form.auth_token) return reply(29, 'Missing AuthToken');
    if (this.issued.get(form.auth_token) !== true) return reply(11, 'Invalid AuthToken');
    let messages: { target_type?: unknown; target_value?: unknown; notification?: Record<string, unknown> }[];
    try {
      messages = single ? [JSON.parse(form.message ?? '')] : JSON.parse(form.messages ?? '');
    } catch {
      return reply(41, 'Invalid Arguments');
    }
    if (!Array.isArray(messages) || messages.length === 0 || messages.length > 1000) return reply(41, 'Invalid Arguments');
    for (const m of messages) {
      if (m.target_type !== 2 || typeof m.target_value !== 'string' || !m.notification?.title || !m.notification.content) return reply(40, 'Missing Required Arguments');
    }
    const scripted = this.script.take(messages[0]?.target_value as string);
    later(scripted !== undefined && 'delayMs' in scripted ? scripted.delayMs : undefined, () => {
      if (scripted !== undefined) {
        if (isTransportAnswer(scripted)) return actTransport(scripted, req);
        return reply(scripted.code, scripted.message ?? 'scripted', undefined, scripted.status ?? 200);
      }
      const results = messages.map((m): { registrationId: string; messageId?: string; errorCode?: number; errorMessage?: string } => {
        const registrationId = m.target_value as string;
        if (this.invalidRegids.has(registrationId)) return { registrationId, errorCode: 10000, errorMessage: 'Invalid RegistrationId' };
        const messageId = `5f${String(this.nextId++).padStart(8, '0')}`;
        this.messages.push({ messageId, registrationId, notification: m.notification ?? {} });
        return { registrationId, messageId };
      });
      if (single) {
        const [only] = results;
        if (only?.errorCode !== undefined) return reply(only.errorCode, only.errorMessage ?? '');
        return reply(0, 'Success', { messageId: only?.messageId });
      }
      reply(0, 'Success', results);
    });
  }
}
