import { jsonBytes } from '../provider.js';
import type { Provider, PushMessage, PushTarget, SendOptions, SendOutcome } from '../provider.js';
import { ThrottledWarning, type ProviderLogger } from '../resilience/provider-logger.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { sendAndroidBatches } from '../shared/batch-send.js';
import { withFreshToken } from '../shared/with-fresh-token.js';
import { OPPO_INVALID_TOKEN_CODE, classifyOppoError } from './oppo-classify.js';
import { OppoClient, type OppoAnswer } from './oppo-client.js';
import { OppoAuthError } from './oppo-errors.js';
import type { OppoSettings } from './oppo-options.js';
import { buildOppoNotification, oppoUnicast } from './oppo-payload.js';

/** Context of an adapter instance. */
export interface OppoProviderContext {
  appId: string;
  logger?: ProviderLogger | undefined;
}

/** Messages per `unicast_batch` request. */
export const OPPO_MAX_BATCH_SIZE = 1000;
/** OPPO's message body limit, bytes. */
const MAX_PAYLOAD_BYTES = 4096;

/**
 * OPPO Push adapter over undici. Auth: `POST /server/v1/auth` with a sha256 signature, the 24-hour
 * auth_token cached (and refreshed once when a call answers code 11). One target goes through
 * `/message/notification/unicast`; several through `/message/notification/unicast_batch`, whose answer
 * lists a messageId or an error code per registration id. OPPO carries notifications only, so a
 * data-only message is rejected.
 */
export class OppoProvider implements Provider {
  readonly name = 'oppo' as const;
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  readonly maxBatchSize = OPPO_MAX_BATCH_SIZE;

  private readonly settings: OppoSettings;
  private readonly context: OppoProviderContext;
  private readonly client: OppoClient;
  private readonly warnings: ThrottledWarning;
  private closed = false;

  constructor(settings: OppoSettings, context: OppoProviderContext) {
    this.settings = settings;
    this.context = context;
    this.warnings = new ThrottledWarning(context.logger);
    this.client = new OppoClient(settings);
  }

  payloadBytes(message: PushMessage): number {
    return jsonBytes(buildOppoNotification(message, this.settings));
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    if (this.closed) return targets.map(() => ({ kind: 'retry', reason: 'provider-closed' }));
    const notification = buildOppoNotification(message, this.settings);
    const dataOnly = message.title === undefined && message.body === undefined;
    const oversized = jsonBytes(notification) > MAX_PAYLOAD_BYTES;
    const refusal: SendOutcome | undefined = dataOnly
      ? { kind: 'rejected', reason: 'oppo-notification-only' }
      : oversized
        ? { kind: 'rejected', reason: 'oppo-payload-too-large' }
        : undefined;
    return sendAndroidBatches(targets, OPPO_MAX_BATCH_SIZE, refusal, (regids) => this.sendBatch(notification, regids, options?.signal));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  /** One unicast (one target) or unicast_batch request, with one token refresh when OPPO answers code 11. */
  private sendBatch(notification: Record<string, unknown>, regids: readonly string[], signal: AbortSignal | undefined): Promise<SendOutcome[]> {
    const single = regids.length === 1;
    return withFreshToken<OppoAnswer>(regids.length, {
      token: () => this.client.token(),
      invalidate: (token) => this.client.invalidateToken(token),
      authFailure: (error) => this.authFailure(error),
      call: async (token) => {
        const answer = single
          ? await this.client.post('/message/notification/unicast', { auth_token: token, message: JSON.stringify(oppoUnicast(notification, regids[0] as string)) }, signal)
          : await this.client.post('/message/notification/unicast_batch', { auth_token: token, messages: JSON.stringify(regids.map((regid) => oppoUnicast(notification, regid))) }, signal);
        if (answer.statusCode === 200 && answer.code === 0) return single ? [this.singleResult(answer)] : this.batchResults(answer, regids);
        return answer;
      },
      stale: (answer) => answer.code === OPPO_INVALID_TOKEN_CODE,
      fail: (answer) => {
        const outcome = classifyOppoError(answer.statusCode, answer.code, answer.message);
        if (outcome.kind === 'auth-error') {
          this.warnings.warn(outcome.reason, { app: this.context.appId, provider: 'oppo', status: answer.statusCode, oppoCode: answer.code, appKey: this.settings.appKey }, 'OPPO refused our credentials or app');
        }
        return outcome;
      },
    });
  }

  private singleResult(answer: OppoAnswer): SendOutcome {
    const messageId = (answer.data as { messageId?: unknown } | undefined)?.messageId;
    return typeof messageId === 'string' ? { kind: 'accepted', providerMessageId: messageId } : { kind: 'accepted' };
  }

  /** Per-target results of `unicast_batch`: `[{registrationId, messageId} | {registrationId, errorCode, errorMessage}]`. */
  private batchResults(answer: OppoAnswer, regids: readonly string[]): SendOutcome[] {
    const byRegid = new Map<string, SendOutcome>();
    if (Array.isArray(answer.data)) {
      for (const item of answer.data as { registrationId?: unknown; messageId?: unknown; errorCode?: unknown; errorMessage?: unknown }[]) {
        if (typeof item?.registrationId !== 'string') continue;
        if (typeof item.errorCode === 'number' && item.errorCode !== 0) {
          byRegid.set(item.registrationId, classifyOppoError(200, item.errorCode, typeof item.errorMessage === 'string' ? item.errorMessage : ''));
        } else {
          byRegid.set(item.registrationId, typeof item.messageId === 'string' ? { kind: 'accepted', providerMessageId: item.messageId } : { kind: 'accepted' });
        }
      }
    }
    // A target OPPO did not mention was not confirmed: let the pipeline try again.
    return regids.map((regid) => byRegid.get(regid) ?? { kind: 'retry', reason: 'oppo-no-result' });
  }

  private authFailure(error: unknown): SendOutcome {
    if (error instanceof OppoAuthError && !error.transient) {
      this.warnings.warn('oppo-auth', { app: this.context.appId, provider: 'oppo', code: error.code, oppoCode: error.oppoCode, appKey: this.settings.appKey }, 'OPPO refused the app key or master secret');
      return { kind: 'auth-error', reason: error.oppoCode === undefined ? 'oppo-auth-refused' : `oppo-auth-${error.oppoCode}` };
    }
    const transport = error instanceof OppoAuthError && error.cause !== undefined ? classifyTransportError(error.cause) : undefined;
    return transport?.kind === 'retry' && transport.reason === 'timeout' ? transport : { kind: 'retry', reason: 'oppo-auth-unavailable' };
  }
}
