import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMock, actTransport, isTransportAnswer, later, replyJson, type MockRequest, type TransportAnswer } from './http-mock-server.js';

/**
 * A local Twilio Messages API for tests: `POST /2010-04-01/Accounts/{sid}/Messages.json`, HTTP Basic
 * auth (wrong → 401 code 20003), form fields To / From | MessagingServiceSid / Body. Numbers in
 * `invalidNumbers` answer 400 code 21211; scripted answers give any error (429 with Retry-After, ...).
 */

export const TWILIO_TEST_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TWILIO_TEST_AUTH_TOKEN = 'twilio-test-auth-token-0123456789';
export const TWILIO_TEST_FROM = '+15005550006';

export type TwilioMockAnswer = { status: number; code: number; message?: string; retryAfter?: string; delayMs?: number } | TransportAnswer;

export interface TwilioMockMessage {
  sid: string;
  fields: Record<string, string>;
}

export class TwilioMock extends HttpMock {
  readonly script = new AnswerScript<TwilioMockAnswer>();
  readonly messages: TwilioMockMessage[] = [];
  readonly invalidNumbers = new Set<string>();

  private nextSid = 1;

  static start(): Promise<TwilioMock> {
    return HttpMock.serve((server) => new TwilioMock(server));
  }

  reset(): void {
    this.server.log.length = 0;
    this.messages.length = 0;
    this.script.reset();
    this.invalidNumbers.clear();
  }

  protected handle(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    const error = (status: number, code: number, message: string, headers: Record<string, string> = {}): void =>
      replyJson(request, res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, headers);
    if (request.method !== 'POST' || request.path !== `/2010-04-01/Accounts/${TWILIO_TEST_ACCOUNT_SID}/Messages.json`) {
      return error(404, 20404, 'The requested resource was not found');
    }
    const expected = `Basic ${Buffer.from(`${TWILIO_TEST_ACCOUNT_SID}:${TWILIO_TEST_AUTH_TOKEN}`).toString('base64')}`;
    if (request.headers.authorization !== expected) return error(401, 20003, 'Authenticate');
    const fields = Object.fromEntries(new URLSearchParams(request.text));
    if (!fields.To) return error(400, 21604, "A 'To' phone number is required.");
    if (!fields.From && !fields.MessagingServiceSid) return error(400, 21603, "A 'From' phone number is required.");
    if (!fields.Body) return error(400, 21602, 'Message body is required.');
    const answer = this.script.take(fields.To);
    later(answer !== undefined && 'delayMs' in answer ? answer.delayMs : undefined, () => {
      if (answer !== undefined) {
        if (isTransportAnswer(answer)) return actTransport(answer, req);
        return error(answer.status, answer.code, answer.message ?? 'scripted', answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter });
      }
      if (this.invalidNumbers.has(fields.To!)) return error(400, 21211, `The 'To' number ${fields.To} is not a valid phone number.`);
      const sid = `SM${String(this.nextSid++).padStart(32, '0')}`;
      this.messages.push({ sid, fields });
      replyJson(request, res, 201, { sid, status: 'queued', to: fields.To, from: fields.From ?? null, body: fields.Body, num_segments: '1', error_code: null, error_message: null });
    });
  }
}
