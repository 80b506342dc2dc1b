import { createHash } from 'node:crypto';
import { Agent } from 'undici';
import webpush from 'web-push';
import type { Provider, PushMessage, PushTarget, SendOptions, SendOutcome } from '../provider.js';
import { withDeadline } from '../resilience/deadline.js';
import { ThrottledWarning, type ProviderLogger } from '../resilience/provider-logger.js';
import { parseRetryAfterMs } from '../resilience/retry-after.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { classifyWebPushAnswer } from './webpush-classify.js';
import type { WebPushSettings } from './webpush-options.js';
import { isAllowedEndpoint, parseSubscription } from './webpush-subscription.js';

/** Context of an adapter instance. */
export interface WebPushProviderContext {
  appId: string;
  logger?: ProviderLogger | undefined;
}

/** Push services take one subscription per request; a call fans out to at most this many in parallel. */
export const WEBPUSH_MAX_BATCH_SIZE = 100;
/** RFC 8291: 4,096-byte records minus the aes128gcm header, tag and padding delimiter. */
const MAX_PAYLOAD_BYTES = 3993;

/** The JSON the service worker receives. */
export function webPushPayload(message: PushMessage): string {
  return JSON.stringify({
    notificationId: message.notificationId,
    ...(message.title === undefined ? {} : { title: message.title }),
    ...(message.body === undefined ? {} : { body: message.body }),
    data: message.data,
  });
}

/** A `Topic` header value: at most 32 URL-safe Base64 characters; other keys are hashed into one. */
export function webPushTopic(collapseKey: string): string {
  return /^[A-Za-z0-9_-]{1,32}$/.test(collapseKey) ? collapseKey : createHash('sha256').update(collapseKey).digest('base64url').slice(0, 32);
}

/**
 * Web Push adapter (RFC 8030/8291/8292). The `web-push` package encrypts the payload (aes128gcm) and
 * signs the VAPID header; the request goes out over an undici Agent, which keeps a keep-alive pool per
 * push-service origin. The device token is the JSON PushSubscription; its endpoint must be on an allowed
 * host. 404/410 mean the subscription is gone (invalid-token); 201 is accepted, with the `Location`
 * header as provider message id.
 */
export class WebPushProvider implements Provider {
  readonly name = 'webpush' as const;
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  readonly maxBatchSize = WEBPUSH_MAX_BATCH_SIZE;

  private readonly settings: WebPushSettings;
  private readonly context: WebPushProviderContext;
  private readonly agent: Agent;
  private readonly warnings: ThrottledWarning;
  private closed = false;

  constructor(settings: WebPushSettings, context: WebPushProviderContext) {
    this.settings = settings;
    this.context = context;
    this.warnings = new ThrottledWarning(context.logger);
    this.agent = new Agent({
      connections: settings.connections,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
      connect: settings.ca === undefined ? { timeout: settings.timeoutMs } : { ca: settings.ca, timeout: settings.timeoutMs },
    });
  }

  payloadBytes(message: PushMessage): number {
    return Buffer.byteLength(webPushPayload(message));
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    if (this.closed) return targets.map(() => ({ kind: 'retry', reason: 'provider-closed' }));
    const payload = webPushPayload(message);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) return targets.map(() => ({ kind: 'rejected', reason: 'webpush-payload-too-large' }));
    const ttl = Math.max(0, Math.min(message.ttlSeconds, Math.floor((message.expiresAt - Date.now()) / 1000)));
    return Promise.all(targets.map((target) => this.sendOne(target, payload, message, ttl, options?.signal)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.agent.close();
  }

  private async sendOne(target: PushTarget, payload: string, message: PushMessage, ttl: number, signal: AbortSignal | undefined): Promise<SendOutcome> {
    const subscription = parseSubscription(target.token);
    if (subscription === undefined) return { kind: 'invalid-token', reason: 'webpush-bad-subscription' };
    if (!isAllowedEndpoint(subscription.endpoint, this.settings.endpointHosts)) return { kind: 'rejected', reason: 'webpush-endpoint-not-allowed' };
    let details: ReturnType<typeof webpush.generateRequestDetails>;
    try {
      details = webpush.generateRequestDetails(subscription, payload, {
        vapidDetails: { subject: this.settings.vapidSubject, publicKey: this.settings.vapidPublicKey, privateKey: this.settings.vapidPrivateKey },
        TTL: ttl,
        urgency: message.priority === 'high' ? 'high' : 'normal',
        contentEncoding: 'aes128gcm',
        ...(message.collapseKey === undefined ? {} : { topic: webPushTopic(message.collapseKey) }),
      });
    } catch {
      // The subscription's keys are not a P-256 point / 16-byte secret: the browser gave us garbage.
      return { kind: 'invalid-token', reason: 'webpush-bad-keys' };
    }
    const url = new URL(details.endpoint);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers)) headers[name.toLowerCase()] = String(value);
    try {
      const answer = await withDeadline(
        async (deadline) => {
          const response = await this.agent.request({
            origin: url.origin,
            path: `${url.pathname}${url.search}`,
            method: 'POST',
            headers,
            body: details.body ?? undefined,
            signal: deadline,
          });
          await response.body.dump();
          return response;
        },
        { provider: 'webpush', timeoutMs: this.settings.timeoutMs, signal },
      );
      if (answer.statusCode >= 200 && answer.statusCode < 300) {
        const location = answer.headers.location;
        return typeof location === 'string' ? { kind: 'accepted', providerMessageId: location } : { kind: 'accepted' };
      }
      const outcome = classifyWebPushAnswer(answer.statusCode, parseRetryAfterMs(answer.headers['retry-after']));
      if (outcome.kind === 'auth-error') {
        this.warnings.warn(`webpush-${url.host}`, { app: this.context.appId, provider: 'webpush', status: answer.statusCode, host: url.host }, 'a push service refused our VAPID credentials');
      }
      return outcome;
    } catch (error) {
      return classifyTransportError(error);
    }
  }
}
