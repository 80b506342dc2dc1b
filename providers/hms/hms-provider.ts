import type { Pool } from 'undici';
import { jsonBytes } from '../provider.js';
import type { Provider, PushMessage, PushTarget, SendOptions, SendOutcome } from '../provider.js';
import { ThrottledWarning, type ProviderLogger } from '../resilience/provider-logger.js';
import { parseRetryAfterMs } from '../resilience/retry-after.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { sendAndroidBatches } from '../shared/batch-send.js';
import { postForJson } from '../shared/post-for-json.js';
import { createProviderPool } from '../shared/provider-pool.js';
import { withFreshToken } from '../shared/with-fresh-token.js';
import { HMS_CODE, HMS_REFRESH_CODES, classifyHmsError, parseIllegalTokens } from './hms-classify.js';
import { HmsAuthError, HmsResponseError } from './hms-errors.js';
import type { HmsSettings } from './hms-options.js';
import { buildHmsBody, buildHmsMessage } from './hms-payload.js';
import { HmsTokenSource } from './hms-token-source.js';

/** Context of an adapter instance. */
export interface HmsProviderContext {
  appId: string;
  logger?: ProviderLogger | undefined;
}

/** Tokens per send request (Push Kit refuses more with 80300010). */
export const HMS_MAX_BATCH_SIZE = 1000;
/** Push Kit's message size limit, tokens not counted. */
const MAX_PAYLOAD_BYTES = 4096;

interface HmsAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  code?: string;
  msg?: unknown;
  requestId?: string;
}

/**
 * Huawei Push Kit v1 adapter over undici: `POST /v1/{clientId}/messages:send` with an OAuth
 * client-credentials token (cached, refreshed before expiry, and once more when Push Kit answers
 * 80200003/80200001 or 401). One request carries up to 1,000 tokens: 80000000 accepts them all,
 * 80100000 names the illegal ones (invalid-token) and accepts the rest, 80300007 says none is valid;
 * HTTP 503 is flow control (retry, honouring Retry-After). Accepted targets get Huawei's `requestId`.
 */
export class HmsProvider implements Provider {
  readonly name = 'hms' as const;
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  readonly maxBatchSize = HMS_MAX_BATCH_SIZE;

  private readonly settings: HmsSettings;
  private readonly context: HmsProviderContext;
  private readonly pool: Pool;
  private readonly tokens: HmsTokenSource;
  private readonly sendPath: string;
  private readonly warnings: ThrottledWarning;
  private closed = false;

  constructor(settings: HmsSettings, context: HmsProviderContext) {
    this.settings = settings;
    this.context = context;
    this.warnings = new ThrottledWarning(context.logger);
    this.pool = createProviderPool(settings);
    this.tokens = new HmsTokenSource({
      tokenUrl: settings.tokenUrl,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      ca: settings.ca,
      timeoutMs: settings.timeoutMs,
    });
    const prefix = settings.endpoint.pathname.replace(/\/$/, '');
    this.sendPath = `${prefix}/v1/${encodeURIComponent(settings.clientId)}/messages:send`;
  }

  payloadBytes(message: PushMessage): number {
    return jsonBytes(buildHmsMessage(message, this.settings));
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    if (this.closed) return targets.map(() => ({ kind: 'retry', reason: 'provider-closed' }));
    const hmsMessage = buildHmsMessage(message, this.settings);
    const oversized = jsonBytes(hmsMessage) > MAX_PAYLOAD_BYTES;
    const refusal: SendOutcome | undefined = oversized ? { kind: 'rejected', reason: 'hms-80300008' } : undefined;
    return sendAndroidBatches(targets, HMS_MAX_BATCH_SIZE, refusal, (tokens) => this.sendBatch(hmsMessage, tokens, options?.signal));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.close(), this.tokens.close()]);
  }

  /** One send request for `tokens`, with one token refresh when Push Kit says the token is stale. */
  private sendBatch(hmsMessage: Record<string, unknown>, tokens: readonly string[], signal: AbortSignal | undefined): Promise<SendOutcome[]> {
    const body = buildHmsBody(hmsMessage, tokens);
    return withFreshToken<HmsAnswer>(tokens.length, {
      token: () => this.tokens.token(),
      invalidate: (accessToken) => this.tokens.invalidate(accessToken),
      authFailure: (error) => this.authFailure(error),
      call: async (accessToken) => {
        const answer = await this.post(body, accessToken, signal);
        if (answer.statusCode === 200 && answer.code === HMS_CODE.success) return tokens.map(() => accepted(answer.requestId));
        if (answer.statusCode === 200 && answer.code === HMS_CODE.partial) {
          // Huawei took the message; if its list of illegal tokens cannot be read, receipts will tell.
          const bad = new Set(parseIllegalTokens(answer.msg) ?? []);
          return tokens.map((token) => (bad.has(token) ? { kind: 'invalid-token', reason: 'hms-80100000' } : accepted(answer.requestId)));
        }
        return answer;
      },
      // Expired early or revoked: one fresh token, then the answer stands.
      stale: (answer) => answer.statusCode === 401 || (answer.code !== undefined && HMS_REFRESH_CODES.has(answer.code)),
      fail: (answer) => {
        const outcome = classifyHmsError(answer.statusCode, answer.code, parseRetryAfterMs(answer.headers['retry-after']));
        if (outcome.kind === 'auth-error') {
          const error = new HmsResponseError(answer.statusCode, answer.code, typeof answer.msg === 'string' ? answer.msg : '');
          this.warnings.warn(outcome.reason, { app: this.context.appId, provider: 'hms', code: error.code, status: error.statusCode, hmsCode: error.hmsCode, clientId: this.settings.clientId }, 'Push Kit refused our credentials or app permissions');
        }
        return outcome;
      },
    });
  }

  private authFailure(error: unknown): SendOutcome {
    if (error instanceof HmsAuthError && !error.transient) {
      this.warnings.warn('hms-oauth', { app: this.context.appId, provider: 'hms', code: error.code, status: error.statusCode, clientId: this.settings.clientId }, 'Huawei OAuth refused the client id or secret');
      return { kind: 'auth-error', reason: 'hms-oauth-refused' };
    }
    const cause = error instanceof HmsAuthError ? error.cause : error;
    const transport = cause === undefined ? undefined : classifyTransportError(cause);
    return transport?.kind === 'retry' && transport.reason === 'timeout' ? transport : { kind: 'retry', reason: 'hms-oauth-unavailable' };
  }

  private async post(body: string, accessToken: string, signal: AbortSignal | undefined): Promise<HmsAnswer> {
    const { statusCode, headers, json } = await postForJson(
      this.pool,
      { path: this.sendPath, headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json;charset=UTF-8', accept: 'application/json' }, body },
      { provider: 'hms', timeoutMs: this.settings.timeoutMs, signal },
    );
    const answer: HmsAnswer = { statusCode, headers };
    if (json !== undefined) {
      if (typeof json.code === 'string' || typeof json.code === 'number') answer.code = String(json.code);
      answer.msg = json.msg;
      if (typeof json.requestId === 'string' && json.requestId !== '') answer.requestId = json.requestId;
    }
    return answer;
  }
}

function accepted(requestId: string | undefined): SendOutcome {
  return requestId === undefined ? { kind: 'accepted' } : { kind: 'accepted', providerMessageId: requestId };
}
