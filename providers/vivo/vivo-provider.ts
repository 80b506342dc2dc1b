import { randomUUID } from 'node:crypto';
import { jsonBytes } from '../provider.js';
import type { Provider, PushMessage, PushTarget, SendOptions, SendOutcome } from '../provider.js';
import { ThrottledWarning, type ProviderLogger } from '../resilience/provider-logger.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { sendAndroidBatches } from '../shared/batch-send.js';
import { withFreshToken } from '../shared/with-fresh-token.js';
import { VIVO_RESULT, classifyVivoError } from './vivo-classify.js';
import { VivoClient, type VivoAnswer } from './vivo-client.js';
import { VivoAuthError } from './vivo-errors.js';
import type { VivoSettings } from './vivo-options.js';
import { buildVivoMessage, vivoCanCarry } from './vivo-payload.js';

/** Context of an adapter instance. */
export interface VivoProviderContext {
  appId: string;
  logger?: ProviderLogger | undefined;
}

/** regIds per `pushToList` call. */
export const VIVO_MAX_BATCH_SIZE = 1000;
const MAX_PAYLOAD_BYTES = 4096;

/**
 * vivo Push adapter over undici. Auth: `POST /message/auth` with an md5 signature; the authToken header
 * is cached and fetched again once when vivo answers 10000. One target goes through `/message/send`;
 * several through `/message/saveListPayload` (the shared message, answering a taskId) and
 * `/message/pushToList` (the regIds), whose `invalidUsers` are invalid-token. Every call carries a
 * fresh `requestId`, which vivo requires to be unique.
 */
export class VivoProvider implements Provider {
  readonly name = 'vivo' as const;
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  readonly maxBatchSize = VIVO_MAX_BATCH_SIZE;

  private readonly settings: VivoSettings;
  private readonly context: VivoProviderContext;
  private readonly client: VivoClient;
  private readonly warnings: ThrottledWarning;
  private closed = false;

  constructor(settings: VivoSettings, context: VivoProviderContext) {
    this.settings = settings;
    this.context = context;
    this.warnings = new ThrottledWarning(context.logger);
    this.client = new VivoClient(settings);
  }

  payloadBytes(message: PushMessage): number {
    return jsonBytes(buildVivoMessage(message, this.settings));
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    if (this.closed) return targets.map(() => ({ kind: 'retry', reason: 'provider-closed' }));
    const body = buildVivoMessage(message, this.settings);
    const dataOnly = message.title === undefined && message.body === undefined;
    const oversized = jsonBytes(body) > MAX_PAYLOAD_BYTES;
    const refusal: SendOutcome | undefined = dataOnly
      ? { kind: 'rejected', reason: 'vivo-notification-only' }
      : oversized
        ? { kind: 'rejected', reason: 'vivo-payload-too-large' }
        : !vivoCanCarry(message)
          ? { kind: 'rejected', reason: 'vivo-ttl-below-minimum' }
          : undefined;
    const signal = options?.signal;
    return sendAndroidBatches(targets, VIVO_MAX_BATCH_SIZE, refusal, (regIds) =>
      this.withToken(regIds.length, (token) => (regIds.length === 1 ? this.sendOne(body, regIds[0] as string, token, signal) : this.sendList(body, regIds, token, signal))),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  /**
   * Runs `call` with the cached token, and once more with a fresh one when vivo says the token is
   * invalid. `call` answers per-target outcomes, or a failed answer to classify for all of them.
   */
  private withToken(count: number, call: (token: string) => Promise<SendOutcome[] | VivoAnswer>): Promise<SendOutcome[]> {
    return withFreshToken<VivoAnswer>(count, {
      token: () => this.client.token(),
      invalidate: (token) => this.client.invalidateToken(token),
      authFailure: (error) => this.authFailure(error),
      call,
      stale: (answer) => answer.result === VIVO_RESULT.authTokenInvalid,
      fail: (answer) => {
        const outcome = classifyVivoError(answer.statusCode, answer.result);
        if (outcome.kind === 'auth-error') {
          this.warnings.warn(outcome.reason, { app: this.context.appId, provider: 'vivo', status: answer.statusCode, vivoResult: answer.result, vivoAppId: this.settings.appId }, 'vivo refused our credentials or app');
        }
        return outcome;
      },
    });
  }

  private async sendOne(body: Record<string, unknown>, regId: string, token: string, signal: AbortSignal | undefined): Promise<SendOutcome[] | VivoAnswer> {
    const answer = await this.client.post('/message/send', { ...body, regId, requestId: randomUUID() }, token, signal);
    if (answer.statusCode !== 200 || answer.result !== 0) return answer;
    const taskId = answer.json.taskId;
    return [typeof taskId === 'string' || typeof taskId === 'number' ? { kind: 'accepted', providerMessageId: String(taskId) } : { kind: 'accepted' }];
  }

  private async sendList(body: Record<string, unknown>, regIds: readonly string[], token: string, signal: AbortSignal | undefined): Promise<SendOutcome[] | VivoAnswer> {
    const saved = await this.client.post('/message/saveListPayload', { ...body, requestId: randomUUID() }, token, signal);
    const taskId = saved.json.taskId;
    if (saved.statusCode !== 200 || saved.result !== 0 || (typeof taskId !== 'string' && typeof taskId !== 'number')) return saved;
    const pushed = await this.client.post('/message/pushToList', { appId: this.settings.appId, regIds, taskId: String(taskId), requestId: randomUUID() }, token, signal);
    if (pushed.statusCode !== 200 || pushed.result !== 0) return pushed;
    const invalid = new Set<string>();
    const users = pushed.json.invalidUsers;
    if (Array.isArray(users)) {
      for (const user of users as { userid?: unknown }[]) if (typeof user?.userid === 'string') invalid.add(user.userid);
    }
    return regIds.map((regId) => (invalid.has(regId) ? { kind: 'invalid-token', reason: 'vivo-invalid-user' } : { kind: 'accepted', providerMessageId: String(taskId) }));
  }

  private authFailure(error: unknown): SendOutcome {
    if (error instanceof VivoAuthError && !error.transient) {
      this.warnings.warn('vivo-auth', { app: this.context.appId, provider: 'vivo', code: error.code, vivoResult: error.vivoResult, vivoAppId: this.settings.appId }, 'vivo refused the app id, key or secret');
      return { kind: 'auth-error', reason: error.vivoResult === undefined ? 'vivo-auth-refused' : `vivo-auth-${error.vivoResult}` };
    }
    const transport = error instanceof VivoAuthError && error.cause !== undefined ? classifyTransportError(error.cause) : undefined;
    return transport?.kind === 'retry' && transport.reason === 'timeout' ? transport : { kind: 'retry', reason: 'vivo-auth-unavailable' };
  }
}
