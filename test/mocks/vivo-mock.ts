import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMock, actTransport, isTransportAnswer, later, replyJson, type MockRequest, type TransportAnswer } from './http-mock-server.js';

/**
 * A local vivo Push server API for tests: `POST /message/auth` (JSON, md5 sign checked here),
 * `/message/send`, `/message/saveListPayload` and `/message/pushToList`, all requiring an `authToken`
 * header this mock issued (else result 10000) and a `requestId` never seen before (else 10097).
 * regIds in `invalidRegIds` give result 10302 on a single send and appear in `invalidUsers` of a list
 * push. Scripted answers give any result.
 */

export const VIVO_TEST_APP_ID = '10004';
export const VIVO_TEST_APP_KEY = 'vivoTestAppKey-0123';
export const VIVO_TEST_APP_SECRET = 'vivoTestAppSecret-0123456789abcd';

export type VivoMockAnswer = { result: number; desc?: string; status?: number; delayMs?: number } | TransportAnswer;

export interface VivoMockPush {
  taskId: string;
  regIds: string[];
  message: Record<string, unknown>;
}

export class VivoMock extends HttpMock {
  readonly script = new AnswerScript<VivoMockAnswer>();
  readonly authScript = new AnswerScript<VivoMockAnswer>();
  readonly pushes: VivoMockPush[] = [];
  readonly invalidRegIds = new Set<string>();
  readonly requestIds = new Set<string>();

  private readonly issued = new Map<string, boolean>();
  private readonly payloads = new Map<string, Record<string, unknown>>();
  private nextTask = 584_021_233;

  static start(): Promise<VivoMock> {
    return HttpMock.serve((server) => new VivoMock(server));
  }

  get authRequests(): MockRequest[] {
    return this.server.log.filter((r) => r.path === '/message/auth');
  }

  expireTokens(): void {
    for (const token of this.issued.keys()) this.issued.set(token, false);
  }

  reset(): void {
    this.server.log.length = 0;
    this.pushes.length = 0;
    this.script.reset();
    this.authScript.reset();
    this.invalidRegIds.clear();
  }

  protected handle(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    const reply = (result: number, desc: string, extra: Record<string, unknown> = {}, status = 200): void => replyJson(request, res, status, { result, desc, ...extra });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.text) as Record<string, unknown>;
    } catch {
      return replyJson(request, res, 500, 'Internet server error!');
    }
    if (request.path === '/message/auth') {
      const scripted = this.authScript.take(undefined);
      if (scripted !== undefined) {
        if (isTransportAnswer(scripted)) return actTransport(scripted, req);
        return reply(scripted.result, scripted.desc ?? 'scripted', {}, scripted.status ?? 200);
      }
      if (body.appId !== VIVO_TEST_APP_ID || body.appKey !== VIVO_TEST_APP_KEY) return reply(10101, 'appId或appKey不合法');
      const sign = createHash('md5').update(`${VIVO_TEST_APP_ID}${VIVO_TEST_APP_KEY}${String(body.timestamp)}${VIVO_TEST_APP_SECRET}`).digest('hex');
      if (body.sign !== sign) return reply(10103, 'sign不合法');
      const authToken = randomUUID();
      this.issued.set(authToken, true);
      return reply(0, '请求成功', { authToken });
    }
    const token = request.headers.authtoken;
    if (typeof token !== 'string' || this.issued.get(token) !== true) return reply(10000, '权限认证失败');
    if (body.appId !== VIVO_TEST_APP_ID) return reply(10094, 'appId不一致');
    const requestId = body.requestId;
    if (typeof requestId !== 'string' || requestId === '' || this.requestIds.has(requestId)) return reply(10097, 'requestId不合法或重复');
    this.requestIds.add(requestId);
    const isMessage = request.path === '/message/send' || request.path === '/message/saveListPayload';
    if (isMessage && (!body.title || !body.content || typeof body.timeToLive !== 'number' || (body.timeToLive as number) < 900)) return reply(10054, '参数不合法');

    const first = request.path === '/message/send' ? (body.regId as string) : request.path === '/message/pushToList' ? ((body.regIds as string[] | undefined)?.[0] ?? '') : undefined;
    const scripted = request.path === '/message/saveListPayload' ? undefined : this.script.take(first);
    later(scripted !== undefined && 'delayMs' in scripted ? scripted.delayMs : undefined, () => {
      if (scripted !== undefined) {
        if (isTransportAnswer(scripted)) return actTransport(scripted, req);
        return reply(scripted.result, scripted.desc ?? 'scripted', {}, scripted.status ?? 200);
      }
      switch (request.path) {
        case '/message/send': {
          const regId = body.regId as string;
          if (this.invalidRegIds.has(regId)) return reply(10302, 'regId不存在');
          const taskId = String(this.nextTask++);
          this.pushes.push({ taskId, regIds: [regId], message: body });
          return reply(0, '请求成功', { taskId });
        }
        case '/message/saveListPayload': {
          const taskId = String(this.nextTask++);
          this.payloads.set(taskId, body);
          return reply(0, '请求成功', { taskId });
        }
        case '/message/pushToList': {
          const regIds = body.regIds as string[];
          const message = this.payloads.get(String(body.taskId));
          if (!message) return reply(10250, 'taskId不存在');
          if (!Array.isArray(regIds) || regIds.length < 2 || regIds.length > 1000) return reply(10053, 'regIds个数不合法');
          const invalidUsers = regIds.filter((r) => this.invalidRegIds.has(r)).map((userid) => ({ status: 1, userid }));
          this.pushes.push({ taskId: String(body.taskId), regIds: regIds.filter((r) => !this.invalidRegIds.has(r)), message });
          return reply(0, '请求成功', { taskId: body.taskId, invalidUsers });
        }
        default:
          return reply(404, 'not found', {}, 404);
      }
    });
  }
}
