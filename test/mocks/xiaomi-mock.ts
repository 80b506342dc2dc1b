import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMock, actTransport, isTransportAnswer, later, replyJson, type MockRequest, type TransportAnswer } from './http-mock-server.js';

/**
 * A local Xiaomi MiPush for tests: `POST /v3/message/regid`, form-encoded, `Authorization:
 * key=<AppSecret>` (wrong or missing key → code 21301, HTTP 200 as MiPush answers), ≤ 1,000 regids,
 * title/description required for notifications. Regids in `badRegids` come back in `data.bad_regids`;
 * scripted answers give any code (10002 busy, 10034 daily cap, ...), HTTP errors with Retry-After,
 * hangs and dropped connections.
 */

export const XIAOMI_TEST_APP_SECRET = 'xiaomiTestAppSecret0123==';
export const XIAOMI_TEST_PACKAGE = 'com.example.shop';

export type XiaomiMockAnswer =
  | { code: number; reason?: string; status?: number; retryAfter?: string; delayMs?: number }
  | { ok: true; delayMs?: number }
  | TransportAnswer;

export interface XiaomiMockSend {
  msgId: string;
  regids: string[];
  /** The form fields, the payload URL-decoded once more. */
  fields: Record<string, string>;
}

export class XiaomiMock extends HttpMock {
  readonly script = new AnswerScript<XiaomiMockAnswer>();
  readonly sends: XiaomiMockSend[] = [];
  readonly badRegids = new Set<string>();

  private nextId = 1;

  static start(): Promise<XiaomiMock> {
    return HttpMock.serve((server) => new XiaomiMock(server));
  }

  reset(): void {
    this.server.log.length = 0;
    this.sends.length = 0;
    this.script.reset();
    this.badRegids.clear();
  }

  protected handle(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    const error = (code: number, reason: string): void => replyJson(request, res, 200, { result: 'error', code, reason, description: reason, trace_id: 'Xm0' });
    if (request.method !== 'POST' || request.path !== '/v3/message/regid') return replyJson(request, res, 404, { result: 'error', code: 404, reason: 'not found' });
    if (request.headers.authorization !== `key=${XIAOMI_TEST_APP_SECRET}`) return error(21301, 'Authentication failed');
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return error(10016, 'content type must be form');
    const form = new URLSearchParams(request.text);
    const fields = Object.fromEntries(form);
    if (fields.restricted_package_name !== XIAOMI_TEST_PACKAGE) return error(22022, 'invalid package name');
    const regids = (fields.registration_id ?? '').split(',').filter((r) => r !== '');
    if (regids.length === 0) return error(10017, 'registration_id is required');
    if (regids.length > 1000) return error(10008, 'too many registration ids');
    if (fields.pass_through === '0' && (!fields.title || !fields.description)) return error(10017, 'title and description are required');
    if (fields.title !== undefined && [...fields.title].length >= 50) return error(65009, 'title too long');
    if (fields.payload === undefined) return error(10017, 'payload is required');
    fields.payload = decodeURIComponent(fields.payload);

    const answer = this.script.take(regids[0]) ?? { ok: true };
    later('delayMs' in answer ? answer.delayMs : undefined, () => {
      if (isTransportAnswer(answer)) return actTransport(answer, req);
      if ('code' in answer) {
        const headers: Record<string, string> = answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter };
        return replyJson(request, res, answer.status ?? 200, { result: 'error', code: answer.code, reason: answer.reason ?? 'scripted', trace_id: 'Xm1' }, headers);
      }
      const msgId = `scm${String(this.nextId++).padStart(8, '0')}`;
      this.sends.push({ msgId, regids, fields });
      const bad = regids.filter((r) => this.badRegids.has(r));
      const data: Record<string, string> = { id: msgId };
      if (bad.length > 0) data.bad_regids = bad.join(',');
      replyJson(request, res, 200, { result: 'ok', code: 0, description: '成功', data, trace_id: 'Xm2', info: `Received push messages for ${regids.length} REGID` });
    });
  }
}
