import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokenCircuitError, ConsecutiveBreaker, IsolatedCircuitError, circuitBreaker, handleWhenResult,
  type CircuitBreakerPolicy, type IDisposable,
} from 'cockatiel';
import type { SendOutcome } from '../provider.js';
import { retryDelayMs, type BackoffOptions } from '../resilience/backoff.js';
import { circuitStateName, type AttemptEvent, type ResilienceHooks } from '../resilience/resilient-provider.js';
import type { SmsMessage, SmsSendOptions, SmsSender } from './sms-sender.js';

/** Knobs of {@link ResilientSmsSender}; each has a default. */
export interface SmsResilienceOptions {
  /** Tries per `send`, the first included; default 3. */
  maxAttempts?: number;
  /** Backoff between tries; default 200 ms doubling to 5 s, full jitter. */
  backoff?: BackoffOptions;
  /** A longer Retry-After (a daily limit) goes back to the caller instead of being waited for; default 10 s. */
  maxRetryDelayMs?: number;
  /** Consecutive failed sends that open the circuit; default 5. */
  breakerThreshold?: number;
  /** How long an open circuit refuses before one trial send; default 30 s. */
  halfOpenAfterMs?: number;
  random?: () => number;
  /** The app this sender serves; names it in hook events. Default ''. */
  appId?: string;
  /**
   * The push adapters' metric hooks: one `onAttempt` per call to the SMS service (retries included),
   * `onCircuitState` on every breaker transition, all with provider `sms`.
   */
  hooks?: ResilienceHooks;
}

/** The label of every SMS sender in hook events (the service an app uses is config, not a label). */
export const SMS_METRIC_PROVIDER = 'sms';

/**
 * Transport failures where the request never reached the gateway, so a resend cannot text twice. A
 * timeout or a reset after sending may have been delivered: those are not resent here.
 */
const NEVER_SENT: ReadonlySet<string> = new Set([
  'network:ECONNREFUSED',
  'network:ENOTFOUND',
  'network:EAI_AGAIN',
  'network:EHOSTUNREACH',
  'network:ENETUNREACH',
  'network:UND_ERR_CONNECT_TIMEOUT',
]);

/** Throttling of one phone number, not of the gateway: it must not open the circuit for everyone. */
const PER_NUMBER_REASONS: ReadonlySet<string> = new Set(['aliyun-isv.BUSINESS_LIMIT_CONTROL', 'aliyun-isv.DAY_LIMIT_CONTROL', 'aborted']);

/** Whether a `retry` outcome may be resent without risking a second text. */
export function safeToResend(reason: string): boolean {
  if (reason === 'timeout' || reason === 'aborted' || reason === 'circuit-open') return false;
  return !reason.startsWith('network') || NEVER_SENT.has(reason);
}

function isGatewayFailure(outcome: SendOutcome): boolean {
  return outcome.kind === 'auth-error' || (outcome.kind === 'retry' && !PER_NUMBER_REASONS.has(outcome.reason));
}

/**
 * An SMS sender with the protections of the push adapters' resilience layer, tuned for a channel that
 * costs money per message: bounded retries with backoff (honouring Retry-After) of answers that say the
 * gateway did not take the text (throttling, 5xx, refused connections), never of a timeout; and a
 * circuit breaker, so an SMS gateway that is down or refusing our credentials is not called for every
 * delivery (`retry` reason `circuit-open` while open). Never throws.
 */
export class ResilientSmsSender implements SmsSender {
  readonly name: SmsSender['name'];
  private readonly inner: SmsSender;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly maxRetryDelayMs: number;
  private readonly random: () => number;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly appId: string;
  private readonly hooks: ResilienceHooks;
  private readonly subscriptions: IDisposable[] = [];

  constructor(inner: SmsSender, options: SmsResilienceOptions = {}) {
    this.inner = inner;
    this.name = inner.name;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.backoff = options.backoff ?? { baseMs: 200, maxMs: 5_000 };
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.breaker = circuitBreaker(handleWhenResult((result) => isGatewayFailure(result as SendOutcome)), {
      halfOpenAfter: options.halfOpenAfterMs ?? 30_000,
      breaker: new ConsecutiveBreaker(Math.max(1, options.breakerThreshold ?? 5)),
    });
    this.appId = options.appId ?? '';
    this.hooks = options.hooks ?? {};
    this.subscriptions.push(this.breaker.onStateChange((state) => {
      const event = { app: this.appId, provider: SMS_METRIC_PROVIDER, state: circuitStateName(state) } as const;
      this.emit(() => this.hooks.onCircuitState?.(event));
    }));
  }

  async send(message: SmsMessage, options?: SmsSendOptions): Promise<SendOutcome> {
    const signal = options?.signal;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.call(message, options, attempt);
      if (outcome.kind !== 'retry' || attempt >= this.maxAttempts || !safeToResend(outcome.reason)) return outcome;
      const delay = retryDelayMs(attempt, outcome.retryAfterMs, this.backoff, this.random);
      if (delay > this.maxRetryDelayMs) return outcome;
      try {
        await sleep(delay, undefined, signal ? { signal } : undefined);
      } catch {
        return { kind: 'retry', reason: 'aborted' };
      }
    }
  }

  close(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    return this.inner.close();
  }

  private async call(message: SmsMessage, options: SmsSendOptions | undefined, attempt: number): Promise<SendOutcome> {
    try {
      return await this.breaker.execute(() => this.measured(message, options, attempt));
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) return { kind: 'retry', reason: 'circuit-open' };
      // `measured` never throws: only the breaker itself could get here. A retry later beats a crash.
      return { kind: 'retry', reason: 'sms-sender-error' };
    }
  }

  /** One call to the SMS service, reported as an attempt (an open circuit makes no call and no attempt). */
  private async measured(message: SmsMessage, options: SmsSendOptions | undefined, attempt: number): Promise<SendOutcome> {
    const started = performance.now();
    let outcome: SendOutcome;
    try {
      outcome = await this.inner.send(message, options);
    } catch {
      // Senders never throw; if one does, it is a bug worth a retry later rather than a crash.
      outcome = { kind: 'retry', reason: 'sms-sender-error' };
    }
    const onAttempt = this.hooks.onAttempt;
    if (onAttempt) {
      const event: AttemptEvent = {
        app: this.appId, provider: SMS_METRIC_PROVIDER, outcome: outcome.kind, count: 1, latencyMs: performance.now() - started, attempt,
      };
      if (outcome.kind !== 'accepted') event.reason = outcome.reason;
      this.emit(() => onAttempt.call(this.hooks, event));
    }
    return outcome;
  }

  private emit(fn: () => void): void {
    try {
      fn();
    } catch {
      // A metrics hook must never stop a text.
    }
  }
}
