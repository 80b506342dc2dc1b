import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getMessaging, type Messaging, type SendResponse } from 'firebase-admin/messaging';
import { jsonBytes } from '../provider.js';
import type { Provider, PushMessage, PushTarget, SendOptions, SendOutcome } from '../provider.js';
import { withDeadline } from '../resilience/deadline.js';
import { ThrottledWarning, type ProviderLogger } from '../resilience/provider-logger.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { FcmRedirectAgent, RetryAfterObserver } from './fcm-agent.js';
import { classifyFcmError } from './fcm-classify.js';
import { ServiceAccountCredential } from './fcm-credential.js';
import { FCM_DEFAULT_ENDPOINT, type FcmSettings } from './fcm-options.js';
import { buildFcmBody, buildFcmMessage } from './fcm-message.js';

/** Context of an adapter instance. */
export interface FcmProviderContext {
  appId: string;
  logger?: ProviderLogger | undefined;
}

/** firebase-admin's `sendEach` limit (FCM_MAX_BATCH_SIZE). */
export const FCM_MAX_BATCH_SIZE = 500;
const MAX_PAYLOAD_BYTES = 4096;

let instances = 0;

/**
 * Turns off firebase-admin's internal retries (4 tries on 503/ECONNRESET, honouring Retry-After up to a
 * minute): they would hide Retry-After from us, multiply load under our own retries and outlive our
 * deadline. Reaches a private field through a structural type; when a firebase-admin release renames it
 * the SDK keeps retrying, which is slower but still correct, so this only warns.
 */
function disableSdkRetries(messaging: Messaging, logger: ProviderLogger | undefined): void {
  const internals = messaging as unknown as { messagingRequestHandler?: { httpClient?: { retry?: unknown } } };
  const httpClient = internals.messagingRequestHandler?.httpClient;
  if (httpClient && 'retry' in httpClient) httpClient.retry = null;
  else logger?.warn({ provider: 'fcm' }, 'could not disable firebase-admin internal retries; retries may stack');
}

/**
 * FCM HTTP v1 adapter over firebase-admin messaging. Each instance has its own firebase-admin App with:
 * a {@link ServiceAccountCredential} (OAuth exchange against a configurable token endpoint), the SDK's
 * HTTP/1.1 transport (`enableLegacyHttpTransport`, the only one that honours `httpAgent`) and a
 * {@link FcmRedirectAgent} that points the SDK's hard-coded host at the configured endpoint. A `send`
 * is one `sendEach` call (one v1 request per device, in parallel) under a deadline.
 */
export class FcmProvider implements Provider {
  readonly name = 'fcm' as const;
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  readonly maxBatchSize = FCM_MAX_BATCH_SIZE;

  private readonly settings: FcmSettings;
  private readonly context: FcmProviderContext;
  private readonly credential: ServiceAccountCredential;
  private readonly agent: FcmRedirectAgent;
  private readonly retryAfter: RetryAfterObserver;
  private readonly app: App;
  private readonly messaging: Messaging;
  private readonly warnings: ThrottledWarning;
  private closed = false;

  constructor(settings: FcmSettings, context: FcmProviderContext) {
    this.settings = settings;
    this.context = context;
    this.warnings = new ThrottledWarning(context.logger);
    this.credential = new ServiceAccountCredential(settings.serviceAccount, {
      tokenUri: settings.tokenUri,
      ca: settings.ca,
      timeoutMs: settings.timeoutMs,
    });
    const redirect = settings.endpoint.origin === new URL(FCM_DEFAULT_ENDPOINT).origin ? undefined : settings.endpoint;
    this.agent = new FcmRedirectAgent(redirect, { ca: settings.ca, maxSockets: settings.maxSockets });
    this.retryAfter = new RetryAfterObserver(this.agent);
    instances += 1;
    this.app = initializeApp(
      { credential: this.credential, projectId: settings.projectId, httpAgent: this.agent },
      `pushmux-fcm-${context.appId}-${instances}`,
    );
    this.messaging = getMessaging(this.app);
    this.messaging.enableLegacyHttpTransport();
    disableSdkRetries(this.messaging, context.logger);
  }

  payloadBytes(message: PushMessage): number {
    return jsonBytes(buildFcmBody(message));
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    if (this.closed) return targets.map(() => ({ kind: 'retry', reason: 'provider-closed' }));
    if (targets.length === 0) return [];
    const body = buildFcmBody(message);
    if (jsonBytes(body) > MAX_PAYLOAD_BYTES) return targets.map(() => ({ kind: 'rejected', reason: 'payload-size-limit-exceeded' }));
    const outcomes: SendOutcome[] = [];
    for (let start = 0; start < targets.length; start += FCM_MAX_BATCH_SIZE) {
      const chunk = targets.slice(start, start + FCM_MAX_BATCH_SIZE);
      outcomes.push(...(await this.sendChunk(message, body, chunk, options?.signal)));
    }
    return outcomes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retryAfter.close();
    await deleteApp(this.app).catch(() => undefined);
    this.agent.destroy();
    await this.credential.close();
  }

  private async sendChunk(
    message: PushMessage,
    body: ReturnType<typeof buildFcmBody>,
    targets: readonly PushTarget[],
    signal: AbortSignal | undefined,
  ): Promise<SendOutcome[]> {
    const startedAt = Date.now();
    const messages = targets.map((target) => buildFcmMessage(message, body, target, startedAt));
    let responses: SendResponse[];
    try {
      const batch = await withDeadline(() => this.messaging.sendEach(messages), {
        provider: 'fcm',
        timeoutMs: this.settings.timeoutMs,
        signal,
        // firebase-admin takes no signal; its own 15 s socket timeout releases the request.
        cancellable: false,
      });
      responses = batch.responses;
    } catch (error) {
      // sendEach itself only throws for an invalid message (a bug here) or our deadline.
      const outcome = classifyTransportError(error);
      return targets.map(() => outcome);
    }
    const hint = this.retryAfter.hintSince(startedAt);
    return targets.map((_, index) => this.outcomeOf(responses[index], hint));
  }

  private outcomeOf(response: SendResponse | undefined, retryAfterMs: number | undefined): SendOutcome {
    if (response === undefined) return { kind: 'retry', reason: 'missing-response' };
    if (response.success) return response.messageId === undefined ? { kind: 'accepted' } : { kind: 'accepted', providerMessageId: response.messageId };
    const error = response.error as { code?: unknown } | undefined;
    if (error?.code === 'app/invalid-credential') {
      // Our credential failed to get a token: an outage of the token endpoint, or a refusal of our key.
      const authError = this.credential.lastError;
      if (authError?.transient) return { kind: 'retry', reason: 'oauth-unavailable' };
      this.warnings.warn('oauth', { app: this.context.appId, provider: 'fcm', code: authError?.code, status: authError?.statusCode }, 'FCM OAuth token exchange refused our service account');
      return { kind: 'auth-error', reason: 'oauth-refused' };
    }
    const outcome = classifyFcmError(error, retryAfterMs);
    if (outcome.kind === 'auth-error') {
      this.warnings.warn(outcome.reason, { app: this.context.appId, provider: 'fcm', reason: outcome.reason, projectId: this.settings.projectId }, 'FCM refused our credentials or config');
    }
    return outcome;
  }
}
