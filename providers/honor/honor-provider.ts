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
import { HONOR_CODE, HONOR_REFRESH_CODES, classifyHonorError } from './honor-classify.js';
import { HonorAuthError } from './honor-errors.js';
import type { HonorSettings } from './honor-options.js';
import { buildHonorMessage } from './honor-payload.js';
import { HonorTokenSource } from './honor-token-source.js';

/** Context of an adapter instance. */
export interface HonorProviderContext {
  appId: string;
  logger?: ProviderLogger | undefined;
}

/** Tokens per sendMessage request. */
export const HONOR_MAX_BATCH_SIZE = 1000;
const MAX_PAYLOAD_BYTES = 4096;

interface HonorAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  code?: number;
  message?: string;
  data?: { requestId?: unknown; failTokens?: unknown; expireTokens?: unknown };
}

function tokenList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
}

/**
 * Honor Push adapter over undici: `POST /api/v1/{appId}/sendMessage` with a client-credentials Bearer
 * token (cached; refreshed before expiry and once on 80200003/401) and a `timestamp` header. Up to 1,000
 * tokens a request; `code: 200` accepts them, except the tokens listed in `data.failTokens` /
 * `data.expireTokens` ([mem]), which are invalid-token.
 */
export class HonorProvider implements Provider {
  readonly name = 'honor' as const;
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  readonly maxBatchSize = HONOR_MAX_BATCH_SIZE;

  private readonly settings: HonorSettings;
  private readonly context: HonorProviderContext;
  private readonly pool: Pool;
  private readonly tokens: HonorTokenSource;
  private readonly sendPath: string;
  private readonly warnings: ThrottledWarning;
  private closed = false;

  constructor(settings: HonorSettings, context: HonorProviderContext) {
    this.settings = settings;
    this.context = context;
    this.warnings = new ThrottledWarning(context.logger);
    this.pool = createProviderPool(settings);
    this.tokens = new HonorTokenSource({ tokenUrl: settings.tokenUrl, clientId: settings.clientId, clientSecret: settings.clientSecret, ca: settings.ca, timeoutMs: settings.timeoutMs });
    this.sendPath = `${settings.endpoint.pathname.replace(/\/$/, '')}/api/v1/${encodeURIComponent(settings.appId)}/sendMessage`;
  }

  payloadBytes(message: PushMessage): number {
    return jsonBytes(buildHonorMessage(message));
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    if (this.closed) return targets.map(() => ({ kind: 'retry', reason: 'provider-closed' }));
    const body = buildHonorMessage(message);
    const oversized = jsonBytes(body) > MAX_PAYLOAD_BYTES;
    const refusal: SendOutcome | undefined = oversized ? { kind: 'rejected', reason: 'honor-payload-too-large' } : undefined;
    return sendAndroidBatches(targets, HONOR_MAX_BATCH_SIZE, refusal, (tokens) => this.sendBatch(body, tokens, options?.signal));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.close(), this.tokens.close()]);
  }

  /** One sendMessage request for `tokens`, with one token refresh when Honor says the token is stale. */
  private sendBatch(body: Record<string, unknown>, tokens: readonly string[], signal: AbortSignal | undefined): Promise<SendOutcome[]> {
    const json = JSON.stringify({ ...body, token: tokens });
    return withFreshToken<HonorAnswer>(tokens.length, {
      token: () => this.tokens.token(),
      invalidate: (accessToken) => this.tokens.invalidate(accessToken),
      authFailure: (error) => this.authFailure(error),
      call: async (accessToken) => {
        const answer = await this.post(json, accessToken, signal);
        if (answer.statusCode !== 200 || answer.code !== HONOR_CODE.success) return answer;
        const dead = new Set([...tokenList(answer.data?.failTokens), ...tokenList(answer.data?.expireTokens)]);
        const requestId = typeof answer.data?.requestId === 'string' ? answer.data.requestId : undefined;
        return tokens.map((token) =>
          dead.has(token) ? { kind: 'invalid-token', reason: 'honor-fail-token' } : requestId === undefined ? { kind: 'accepted' } : { kind: 'accepted', providerMessageId: requestId },
        );
      },
      stale: (answer) => answer.statusCode === 401 || (answer.code !== undefined && HONOR_REFRESH_CODES.has(answer.code)),
      fail: (answer) => {
        const outcome = classifyHonorError(answer.statusCode, answer.code, parseRetryAfterMs(answer.headers['retry-after']));
        if (outcome.kind === 'auth-error') {
          this.warnings.warn(outcome.reason, { app: this.context.appId, provider: 'honor', status: answer.statusCode, honorCode: answer.code, honorAppId: this.settings.appId }, 'Honor refused our credentials or app permissions');
        }
        return outcome;
      },
    });
  }

  private authFailure(error: unknown): SendOutcome {
    if (error instanceof HonorAuthError && !error.transient) {
      this.warnings.warn('honor-oauth', { app: this.context.appId, provider: 'honor', code: error.code, status: error.statusCode, honorAppId: this.settings.appId }, 'Honor refused the client id or secret');
      return { kind: 'auth-error', reason: 'honor-oauth-refused' };
    }
    const transport = error instanceof HonorAuthError && error.cause !== undefined ? classifyTransportError(error.cause) : undefined;
    return transport?.kind === 'retry' && transport.reason === 'timeout' ? transport : { kind: 'retry', reason: 'honor-oauth-unavailable' };
  }

  private async post(body: string, accessToken: string, signal: AbortSignal | undefined): Promise<HonorAnswer> {
    const { statusCode, headers, json } = await postForJson(
      this.pool,
      { path: this.sendPath, headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', timestamp: String(Date.now()), accept: 'application/json' }, body },
      { provider: 'honor', timeoutMs: this.settings.timeoutMs, signal },
    );
    const answer: HonorAnswer = { statusCode, headers };
    if (typeof json?.code === 'number') answer.code = json.code;
    else if (typeof json?.code === 'string' && /^\d+$/.test(json.code)) answer.code = Number(json.code);
    if (typeof json?.message === 'string') answer.message = json.message;
    if (typeof json?.data === 'object' && json.data !== null) answer.data = json.data as HonorAnswer['data'];
    return answer;
  }
}
