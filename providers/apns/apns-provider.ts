import { randomUUID } from 'node:crypto';
import { ApnsClient, ApnsError, Errors } from 'apns2';
import { jsonBytes } from '../provider.js';
import type { Provider, PushMessage, PushTarget, SendOptions, SendOutcome } from '../provider.js';
import { withDeadline } from '../resilience/deadline.js';
import { ThrottledWarning, type ProviderLogger } from '../resilience/provider-logger.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { classifyApnsError } from './apns-classify.js';
import { ApnsResponseError } from './apns-errors.js';
import type { ApnsSettings } from './apns-options.js';
import { buildApnsNotification, buildApnsPayload, type ApnsPayload } from './apns-payload.js';
import { ApnsIdHandoff, installApnsPool } from './apns-pool.js';

/** Context of an adapter instance: which app it serves and where it logs. */
export interface ApnsProviderContext {
  appId: string;
  logger?: ProviderLogger | undefined;
}

const MAX_PAYLOAD_BYTES = 4096;
const MAX_COLLAPSE_ID_BYTES = 64;

/**
 * APNs adapter over apns2 (token auth, HTTP/2). One apns2 client per environment, created on first use:
 * a device's `sandbox` flag picks the sandbox host, otherwise the app's default environment applies.
 * Every request carries an `apns-id` we choose (the outcome's `providerMessageId`) and runs under a
 * deadline. An `ExpiredProviderToken` answer makes apns2 drop its JWT; the request is then retried once
 * with a freshly signed one.
 *
 * APNs has no batch API: a `send` with several targets runs them as parallel streams.
 */
export class ApnsProvider implements Provider {
  readonly name = 'apns' as const;
  readonly maxPayloadBytes = MAX_PAYLOAD_BYTES;
  readonly maxBatchSize: number;

  private readonly settings: ApnsSettings;
  private readonly context: ApnsProviderContext;
  private readonly warnings: ThrottledWarning;
  private readonly clients: { production?: ApnsClient; sandbox?: ApnsClient } = {};
  private readonly handoff = new ApnsIdHandoff();
  /** Payloads by message (see prepare()); weak, so a message is forgotten with its delivery. */
  private readonly prepared = new WeakMap<PushMessage, { payload: ApnsPayload; bytes: number }>();
  private closed = false;

  constructor(settings: ApnsSettings, context: ApnsProviderContext, options: { maxBatchSize?: number } = {}) {
    this.settings = settings;
    this.context = context;
    this.maxBatchSize = options.maxBatchSize ?? 1;
    this.warnings = new ThrottledWarning(context.logger);
  }

  /** Streams the pool carries at once per environment: connections × streams per connection. */
  get streamCapacity(): number {
    return this.settings.connections * this.settings.maxConcurrentStreams;
  }

  payloadBytes(message: PushMessage): number {
    return this.prepare(message).bytes;
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    if (this.closed) return targets.map(() => ({ kind: 'retry', reason: 'provider-closed' }));
    const { payload, bytes } = this.prepare(message);
    // Refuse locally what APNs would refuse, without spending a request per device on it.
    if (bytes > MAX_PAYLOAD_BYTES) return targets.map(() => ({ kind: 'rejected', reason: 'PayloadTooLarge' }));
    if (message.collapseKey !== undefined && Buffer.byteLength(message.collapseKey) > MAX_COLLAPSE_ID_BYTES) {
      return targets.map(() => ({ kind: 'rejected', reason: 'BadCollapseId' }));
    }
    if (targets.length === 1) return [await this.sendOne(message, payload, targets[0] as PushTarget, options?.signal)];
    return Promise.all(targets.map((target) => this.sendOne(message, payload, target, options?.signal)));
  }

  async close(): Promise<void> {
    this.closed = true;
    const clients = [this.clients.production, this.clients.sandbox].filter((c): c is ApnsClient => c !== undefined);
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  }

  private async sendOne(message: PushMessage, payload: ApnsPayload, target: PushTarget, signal: AbortSignal | undefined): Promise<SendOutcome> {
    const client = this.clientFor(target.sandbox ?? !this.settings.production);
    const notification = buildApnsNotification(message, payload, target.token, this.settings.topic);
    for (let attempt = 1; ; attempt += 1) {
      const apnsId = randomUUID();
      let stamped = false;
      try {
        await withDeadline(
          () => {
            const offered = this.handoff.offer(apnsId, () => client.send(notification));
            stamped = offered.stamped;
            return offered.result;
          },
          {
            provider: 'apns',
            timeoutMs: this.settings.timeoutMs,
            signal,
            // apns2 takes no signal; the pool's stream timeout releases a stream that never answers.
            cancellable: false,
          },
        );
        return stamped ? { kind: 'accepted', providerMessageId: apnsId } : { kind: 'accepted' };
      } catch (error) {
        if (!(error instanceof ApnsError)) return classifyTransportError(error);
        // apns2 dropped its cached JWT on this answer, so the retry is signed afresh.
        if (error.reason === Errors.expiredProviderToken && attempt === 1) continue;
        const outcome = classifyApnsError(error.statusCode, error.reason);
        if (outcome.kind === 'auth-error') this.warnAuth(new ApnsResponseError(error.statusCode, error.reason, undefined, { cause: error }));
        return outcome;
      }
    }
  }

  /**
   * The message's payload and its size, built once per message: the planner asks for the size and the
   * send needs both, for the same message object.
   */
  private prepare(message: PushMessage): { payload: ApnsPayload; bytes: number } {
    let prepared = this.prepared.get(message);
    if (!prepared) {
      const payload = buildApnsPayload(message);
      prepared = { payload, bytes: jsonBytes(payload) };
      this.prepared.set(message, prepared);
    }
    return prepared;
  }

  private clientFor(sandbox: boolean): ApnsClient {
    const key = sandbox ? 'sandbox' : 'production';
    const existing = this.clients[key];
    if (existing) return existing;
    const endpoint = sandbox ? this.settings.sandboxEndpoint : this.settings.productionEndpoint;
    const client = new ApnsClient({
      team: this.settings.teamId,
      keyId: this.settings.keyId,
      signingKey: this.settings.signingKey,
      defaultTopic: this.settings.topic,
      host: endpoint.hostname,
    });
    installApnsPool(client, {
      endpoint,
      ca: this.settings.ca,
      connections: this.settings.connections,
      maxConcurrentStreams: this.settings.maxConcurrentStreams,
      timeoutMs: this.settings.timeoutMs,
      handoff: this.handoff,
    });
    this.clients[key] = client;
    return client;
  }

  private warnAuth(error: ApnsResponseError): void {
    this.warnings.warn(
      error.reason,
      { app: this.context.appId, provider: 'apns', code: error.code, status: error.statusCode, reason: error.reason, keyId: this.settings.keyId },
      'APNs refused our credentials or config; check teamId, keyId, key and topic',
    );
  }
}
