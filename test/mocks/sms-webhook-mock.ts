import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMock, actTransport, isTransportAnswer, later, replyJson, type MockRequest, type TransportAnswer } from './http-mock-server.js';

/**
 * A local SMS webhook for tests: `POST /sms` with JSON `{notificationId, to, text}` and the shared
 * secret in `x-pushmux-secret` (wrong → 401). Answers 202 `{id}`; scripted answers give any status.
 */

export const SMS_WEBHOOK_TEST_SECRET = 'sms-webhook-secret-0123456789';

export type SmsWebhookMockAnswer = { status: number; retryAfter?: string; delayMs?: number } | TransportAnswer;

export class SmsWebhookMock extends HttpMock {
  readonly script = new AnswerScript<SmsWebhookMockAnswer>();
  readonly received: { notificationId: string; to: string; text: string }[] = [];

  static start(): Promise<SmsWebhookMock> {
    return HttpMock.serve((server) => new SmsWebhookMock(server));
  }

  override get url(): string {
    return `${this.server.url}/sms`;
  }

  reset(): void {
    this.server.log.length = 0;
    this.received.length = 0;
    this.script.reset();
  }

  protected handle(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    if (request.method !== 'POST' || request.path !== '/sms') return replyJson(request, res, 405, { error: 'method' });
    if (request.headers['x-pushmux-secret'] !== SMS_WEBHOOK_TEST_SECRET) return replyJson(request, res, 401, { error: 'secret' });
    let body: { notificationId: string; to: string; text: string };
    try {
      body = JSON.parse(request.text) as typeof body;
    } catch {
      return replyJson(request, res, 400, { error: 'json' });
    }
    const scripted = this.script.take(body.to);
    later(scripted !== undefined && 'delayMs' in scripted ? scripted.delayMs : undefined, () => {
      if (scripted !== undefined) {
        if (isTransportAnswer(scripted)) return actTransport(scripted, req);
        return replyJson(request, res, scripted.status, { error: 'scripted' }, scripted.retryAfter === undefined ? {} : { 'retry-after': scripted.retryAfter });
      }
      this.received.push(body);
      replyJson(request, res, 202, { id: `wh-${this.received.length}` });
    });
  }
}
