import type { Pool } from 'undici';
import type { Provider, PushMessage, PushTarget, SendOptions, SendOutcome } from '../provider.js';
import { ThrottledWarning, type ProviderLogger } from '../resilience/provider-logger.js';
import { parseRetryAfterMs } from '../resilience/retry-after.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { sendAndroidBatches } from '../shared/batch-send.js';
import { postForJson } from '../shared/post-for-json.js';
import { createProviderPool } from '../shared/provider-pool.js';
import { XIAOMI_DAILY_CAP_CODES, classifyXiaomiError } from './xiaomi-classify.js';
import { XiaomiResponseError } from './xiaomi-errors.js';
import type { XiaomiSettings } from './xiaomi-options.js';
import { buildXiaomiBody, buildXiaomiFields } from './xiaomi-payload.js';

/** Context of an adapter instance. */
export interface XiaomiProviderContext {
  appId: string;
  logger?: ProviderLogger | undefined;
}

/** Regids per request. */
export const XIAOMI_MAX_BATCH_SIZE = 1000;
/** MiPush's payload limit (the `payload` field), bytes. */
const MAX_PAYLOAD_BYTES = 4096;

interface XiaomiAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  code?: number;
  reason?: string;
  msgId?: string;
  badRegids: string[];
}

/**
 * Xiaomi MiPush adapter over undici: `POST /v3/message/regid`, form-encoded, `Authorization:
 * key=<AppSecret>`, up to 1,000 regids per request sharing one message id. Code 0 accepts the request;
 * the regids listed in `data.bad_regids` are invalid-token, the rest accepted with the message id.
 * Once the daily cap (10034/26004) is hit, sends answer `retry` until midnight Beijing time without
 * calling Xiaomi.
 */
export class XiaomiProvider implements Provider {
  readonly name = 'xiaomi' as const;
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  readonly maxBatchSize = XIAOMI_MAX_BATCH_SIZE;

  private readonly settings: XiaomiSettings;
  private readonly context: XiaomiProviderContext;
  private readonly pool: Pool;
  private readonly path: string;
  private readonly warnings: ThrottledWarning;
  private blockedUntil = 0;
  private closed = false;

  constructor(settings: XiaomiSettings, context: XiaomiProviderContext) {
    this.settings = settings;
    this.context = context;
    this.warnings = new ThrottledWarning(context.logger);
    this.pool = createProviderPool(settings);
    this.path = `${settings.endpoint.pathname.replace(/\/$/, '')}/v3/message/regid`;
  }

  /** Bytes of the `payload` field as sent. */
  payloadBytes(message: PushMessage): number {
    return Buffer.byteLength(buildXiaomiFields(message, this.settings).payload ?? '');
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    if (this.closed) return targets.map(() => ({ kind: 'retry', reason: 'provider-closed' }));
    const fields = buildXiaomiFields(message, this.settings);
    const oversized = Buffer.byteLength(fields.payload ?? '') > MAX_PAYLOAD_BYTES;
    const refusal: SendOutcome | undefined = oversized ? { kind: 'rejected', reason: 'xiaomi-payload-too-large' } : undefined;
    return sendAndroidBatches(targets, XIAOMI_MAX_BATCH_SIZE, refusal, (regids) => this.sendBatch(fields, regids, options?.signal));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  private async sendBatch(fields: Record<string, string>, regids: readonly string[], signal: AbortSignal | undefined): Promise<SendOutcome[]> {
    const blockedMs = this.blockedUntil - Date.now();
    if (blockedMs > 0) return regids.map(() => ({ kind: 'retry', reason: 'xiaomi-daily-cap', retryAfterMs: blockedMs }));
    let answer: XiaomiAnswer;
    try {
      answer = await this.post(buildXiaomiBody(fields, regids), signal);
    } catch (error) {
      const outcome = classifyTransportError(error);
      return regids.map(() => outcome);
    }
    if (answer.statusCode === 200 && answer.code === 0) {
      const bad = new Set(answer.badRegids);
      return regids.map((regid) =>
        bad.has(regid)
          ? { kind: 'invalid-token', reason: 'xiaomi-bad-regid' }
          : answer.msgId === undefined
            ? { kind: 'accepted' }
            : { kind: 'accepted', providerMessageId: answer.msgId },
      );
    }
    const outcome = classifyXiaomiError(answer.statusCode, answer.code, parseRetryAfterMs(answer.headers['retry-after']));
    if (answer.code !== undefined && XIAOMI_DAILY_CAP_CODES.has(answer.code) && outcome.kind === 'retry' && outcome.retryAfterMs !== undefined) {
      this.blockedUntil = Date.now() + outcome.retryAfterMs;
    }
    if (outcome.kind === 'auth-error') {
      const error = new XiaomiResponseError(answer.statusCode, answer.code, answer.reason ?? '');
      this.warnings.warn(outcome.reason, { app: this.context.appId, provider: 'xiaomi', code: error.code, status: error.statusCode, xiaomiCode: error.xiaomiCode, packageName: this.settings.packageName }, 'MiPush refused our AppSecret or package');
    }
    return regids.map(() => outcome);
  }

  private async post(body: string, signal: AbortSignal | undefined): Promise<XiaomiAnswer> {
    const { statusCode, headers, json } = await postForJson(
      this.pool,
      {
        path: this.path,
        headers: {
          // The word `key` must be lower case.
          authorization: `key=${this.settings.appSecret}`,
          'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
          accept: 'application/json',
        },
        body,
      },
      { provider: 'xiaomi', timeoutMs: this.settings.timeoutMs, signal },
    );
    const answer: XiaomiAnswer = { statusCode, headers, badRegids: [] };
    const data = json?.data as { id?: unknown; bad_regids?: unknown } | undefined;
    if (typeof json?.code === 'number') answer.code = json.code;
    if (typeof json?.reason === 'string') answer.reason = json.reason;
    else if (typeof json?.description === 'string') answer.reason = json.description;
    if (typeof data?.id === 'string') answer.msgId = data.id;
    if (typeof data?.bad_regids === 'string' && data.bad_regids !== '') answer.badRegids = data.bad_regids.split(',').map((r) => r.trim());
    return answer;
  }
}
