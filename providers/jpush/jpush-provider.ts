import { jsonBytes } from '../provider.js';
import type { Provider, PushMessage, PushTarget, SendOptions, SendOutcome } from '../provider.js';
import { ThrottledWarning, type ProviderLogger } from '../resilience/provider-logger.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { classifyJPushError, isIllegalRegistrationId } from './jpush-classify.js';
import { JPushClient, extractMsgId, type JPushAnswer } from './jpush-client.js';
import { JPushResponseError } from './jpush-errors.js';
import type { JPushSettings } from './jpush-options.js';
import { buildJPushBody, buildJPushContent, contentFor, type JPushContent } from './jpush-payload.js';
import { JPushRateLimitState } from './jpush-rate-limit.js';

/** Context of an adapter instance. */
export interface JPushProviderContext {
  appId: string;
  logger?: ProviderLogger | undefined;
}

/** Registration ids per push request (JPush's audience limit). */
export const JPUSH_MAX_BATCH_SIZE = 1000;
/** JPush's payload limits: Android 4000 bytes, iOS 2000 bytes. */
const MAX_PAYLOAD_BYTES = 4000;
const MAX_IOS_PAYLOAD_BYTES = 2000;

/**
 * JPush v3 REST adapter over undici: one push request carries up to 1,000 registration ids and answers
 * one `msg_id` (every accepted target gets it as `providerMessageId`; the receipt poller turns it into
 * per-device delivery reports). iOS devices are grouped by environment (`apns_production`).
 *
 * It honours JPush's rate-limit headers: once `X-Rate-Limit-Remaining` is 0 it answers `retry` with the
 * time to the window reset without calling JPush. A 1003 "illegal registration_id" fails a whole
 * batch, so the batch is bisected until the bad ids stand alone (about 2·log2(n) extra requests per bad
 * id); they come back `invalid-token`, the rest are delivered.
 */
export class JPushProvider implements Provider {
  readonly name = 'jpush' as const;
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  readonly maxBatchSize = JPUSH_MAX_BATCH_SIZE;
  /** What the rate-limit headers said last; read by tests and diagnostics. */
  readonly rateLimit = new JPushRateLimitState();

  private readonly settings: JPushSettings;
  private readonly context: JPushProviderContext;
  private readonly client: JPushClient;
  private readonly warnings: ThrottledWarning;
  private closed = false;

  constructor(settings: JPushSettings, context: JPushProviderContext) {
    this.settings = settings;
    this.context = context;
    this.warnings = new ThrottledWarning(context.logger);
    this.client = new JPushClient({
      origin: settings.endpoint,
      appKey: settings.appKey,
      masterSecret: settings.masterSecret,
      ca: settings.ca,
      timeoutMs: settings.timeoutMs,
      connections: settings.connections,
    });
  }

  /** Bytes of the Android content, the larger limit; iOS devices are checked against 2,000 in `send`. */
  payloadBytes(message: PushMessage): number {
    return jsonBytes(contentFor(buildJPushContent(message), ['android']));
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    if (this.closed) return targets.map(() => ({ kind: 'retry', reason: 'provider-closed' }));
    const outcomes: SendOutcome[] = new Array<SendOutcome>(targets.length);
    const content = buildJPushContent(message);
    // JPush counts each platform's part against its own limit.
    const androidBytes = jsonBytes(contentFor(content, ['android']));
    const iosBytes = jsonBytes(contentFor(content, ['ios']));
    // Group by apns_production; Android devices ride with the app's default environment.
    const groups = new Map<boolean, number[]>();
    targets.forEach((target, index) => {
      if (target.platform === 'web') {
        outcomes[index] = { kind: 'rejected', reason: 'unsupported-platform' };
      } else if (target.platform === 'ios' ? iosBytes > MAX_IOS_PAYLOAD_BYTES : androidBytes > MAX_PAYLOAD_BYTES) {
        outcomes[index] = { kind: 'rejected', reason: 'jpush-1005' };
      } else {
        const production = target.platform === 'ios' && target.sandbox !== undefined ? !target.sandbox : this.settings.apnsProduction;
        const group = groups.get(production) ?? [];
        group.push(index);
        groups.set(production, group);
      }
    });
    await Promise.all(
      [...groups].map(async ([production, indices]) => {
        for (let start = 0; start < indices.length; start += JPUSH_MAX_BATCH_SIZE) {
          const batch = indices.slice(start, start + JPUSH_MAX_BATCH_SIZE);
          const results = await this.push(message, content, batch.map((i) => targets[i] as PushTarget), production, options?.signal);
          batch.forEach((targetIndex, position) => {
            outcomes[targetIndex] = results[position] as SendOutcome;
          });
        }
      }),
    );
    return outcomes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  /** One push request for `batch` (bisected on an illegal registration id). */
  private async push(
    message: PushMessage,
    content: JPushContent,
    batch: readonly PushTarget[],
    production: boolean,
    signal: AbortSignal | undefined,
  ): Promise<SendOutcome[]> {
    const blockedMs = this.rateLimit.blockedForMs();
    if (blockedMs > 0) return batch.map(() => ({ kind: 'retry', reason: 'jpush-rate-limited', retryAfterMs: blockedMs }));
    const platforms = [...new Set(batch.map((t) => t.platform as 'android' | 'ios'))].sort();
    const body = buildJPushBody(message, content, batch.map((t) => t.token), platforms, production);
    let answer: JPushAnswer;
    try {
      answer = await this.client.call('POST', '/v3/push', body, signal);
    } catch (error) {
      const outcome = classifyTransportError(error);
      return batch.map(() => outcome);
    }
    this.rateLimit.update(answer.headers);
    const msgId = answer.statusCode === 200 ? extractMsgId(answer.text) : undefined;
    if (msgId !== undefined) return batch.map(() => ({ kind: 'accepted', providerMessageId: msgId }));

    if (isIllegalRegistrationId(answer.code, answer.message ?? '')) {
      if (batch.length === 1) return [{ kind: 'invalid-token', reason: 'jpush-1003' }];
      const half = Math.ceil(batch.length / 2);
      const [left, right] = await Promise.all([
        this.push(message, content, batch.slice(0, half), production, signal),
        this.push(message, content, batch.slice(half), production, signal),
      ]);
      return [...left, ...right];
    }
    const outcome = classifyJPushError(answer.statusCode, answer.code, this.rateLimit.resetInMs());
    if (outcome.kind === 'auth-error') {
      const error = new JPushResponseError(answer.statusCode, answer.code, answer.message ?? '');
      this.warnings.warn(outcome.reason, { app: this.context.appId, provider: 'jpush', code: error.code, status: error.statusCode, jpushCode: error.jpushCode, appKey: this.settings.appKey }, 'JPush refused our credentials or account');
    }
    return batch.map(() => outcome);
  }
}
