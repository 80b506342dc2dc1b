import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  circuitBreaker,
  handleWhenResult,
  type CircuitBreakerPolicy,
  type IDisposable,
} from 'cockatiel';
import type {
  Provider,
  ProviderName,
  PushMessage,
  PushTarget,
  SendOptions,
  SendOutcome,
  SendOutcomeKind,
} from '../provider.js';
import { retryDelayMs, type BackoffOptions } from './backoff.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { RateLimiter } from './rate-limiter.js';

/** Circuit states as reported to hooks and metrics. */
export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/**
 * Whom a hook event is about: a push provider, or `sms` for an app's SMS sender. One label for every SMS
 * sender: which service (twilio, aliyun, webhook) an app uses is config, and a label per service would
 * only split the series of one channel.
 */
export type ResilienceSubject = ProviderName | 'sms';

/** One provider call (one attempt of one `send`), grouped by outcome kind and reason. */
export interface AttemptEvent {
  app: string;
  provider: ResilienceSubject;
  outcome: SendOutcomeKind;
  /** The outcome's reason (absent for `accepted`): a short token fit for logs, not a metric label. */
  reason?: string;
  /** How many targets of the call got this outcome. */
  count: number;
  /** Wall time of the provider call, shared by every target of the call. */
  latencyMs: number;
  /** 1 for the first try of a `send`, 2 for its first retry, ... */
  attempt: number;
}

/** A circuit breaker transition. */
export interface CircuitStateEvent {
  app: string;
  provider: ResilienceSubject;
  state: CircuitStateName;
}

/**
 * Observation hooks for the metrics module (which owns prom-client). Hooks run synchronously on the
 * send path: keep them cheap. A hook that throws is ignored.
 */
export interface ResilienceHooks {
  onAttempt?(event: AttemptEvent): void;
  onCircuitState?(event: CircuitStateEvent): void;
}

/** Knobs of {@link ResilientProvider}; every field but `appId` has a default. */
export interface ResilienceOptions {
  /** The app this provider instance serves: the circuit is per (app, provider). */
  appId: string;
  /** Budget of one provider call; default 10 s. */
  timeoutMs?: number;
  /** Tries per `send`, the first included; default 3. 1 disables retries here. */
  maxAttempts?: number;
  /** Backoff between tries; default 100 ms doubling to 5 s, full jitter. */
  backoff?: BackoffOptions;
  /**
   * A retry that must wait longer than this (a long Retry-After) is not waited for here: the outcome goes
   * back to the caller with its `retryAfterMs`, so the pipeline can reschedule instead of holding a slot.
   * Default 10 s.
   */
  maxRetryDelayMs?: number;
  /** Consecutive failed calls (all targets transient or auth failures) that open the circuit; default 5. */
  breakerThreshold?: number;
  /** How long an open circuit stays open before one trial call; default 30 s. */
  halfOpenAfterMs?: number;
  /** Provider calls in flight at once; default 100. */
  concurrency?: number;
  /** Calls allowed to wait for a free slot; beyond it `send` answers `retry` reason `overloaded`. Default 10,000. */
  queueLimit?: number;
  /** Optional provider-call rate limit (JPush free tier: 600). Counted per call, not per target. */
  ratePerMinute?: number;
  hooks?: ResilienceHooks;
  /** Random source for jitter, for tests. */
  random?: () => number;
}

/** Retry reasons that mean "do not try again inside this send". */
const FINAL_RETRY_REASONS: ReadonlySet<string> = new Set(['circuit-open', 'overloaded', 'aborted', 'provider-closed']);

/**
 * Retry reasons that are about one device or one caller, not the provider's health: they never count
 * towards opening the circuit.
 */
const NOT_PROVIDER_FAILURE_REASONS: ReadonlySet<string> = new Set(['aborted', 'overloaded', 'device-rate-limited']);

function isProviderFailure(outcome: SendOutcome): boolean {
  if (outcome.kind === 'auth-error') return true;
  return outcome.kind === 'retry' && !NOT_PROVIDER_FAILURE_REASONS.has(outcome.reason);
}

/** A call failed as a whole when no target got an answer that proves the provider works. */
function isFailedCall(result: unknown): boolean {
  const outcomes = result as SendOutcome[];
  return outcomes.length > 0 && outcomes.every(isProviderFailure);
}

/** cockatiel's breaker state as the metrics and logs name it (the SMS senders' breaker too). */
export function circuitStateName(state: CircuitState): CircuitStateName {
  switch (state) {
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half-open';
    case CircuitState.Isolated:
      return 'isolated';
    default:
      return 'closed';
  }
}

function fill(count: number, outcome: SendOutcome): SendOutcome[] {
  const outcomes = new Array<SendOutcome>(count);
  for (let i = 0; i < count; i += 1) outcomes[i] = outcome;
  return outcomes;
}

/** Marks a call that hit the backstop timeout. */
const TIMED_OUT: unique symbol = Symbol('timed-out');

/**
 * Settles with `work` or with {@link TIMED_OUT} after `ms`, whichever is first. A bare timer, not
 * cockatiel's TimeoutPolicy: that one builds an AbortController and listeners per call, which was most
 * of this layer's cost at 10k sends a second; the adapters own cancellation (their deadlines) and get
 * the caller's signal as is.
 */
function raceTimeout<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  // One promise and one timer; Promise.race plus finally() made four promises per call.
  return new Promise<T | typeof TIMED_OUT>((resolve, reject) => {
    const timer = setTimeout(resolve, ms, TIMED_OUT);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A retry outcome worth another try inside this send. */
function isRetryable(outcome: SendOutcome): outcome is Extract<SendOutcome, { kind: 'retry' }> {
  return outcome.kind === 'retry' && !FINAL_RETRY_REASONS.has(outcome.reason);
}

/**
 * Wraps any adapter with the protections every provider needs, so adapters stay about their wire
 * protocol: a per-call timeout, bounded retries (exponential backoff with full jitter, honouring
 * `retryAfterMs`) of the targets that came back `retry`, a circuit breaker per (app, provider)
 * (cockatiel), a concurrency limit with a bounded wait queue, and an optional rate limit.
 *
 * `invalid-token`, `rejected` and `auth-error` are never retried. While the circuit is open,
 * `isAvailable()` is false and `send` answers `retry` reason `circuit-open` without calling the adapter;
 * after `halfOpenAfterMs` one trial call decides whether it closes. Like every provider, `send` never
 * throws for provider or network failures.
 */
export class ResilientProvider implements Provider {
  readonly name: ProviderName;
  readonly maxPayloadBytes: number;
  readonly maxBatchSize: number;

  private readonly inner: Provider;
  private readonly appId: string;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly maxRetryDelayMs: number;
  private readonly halfOpenAfterMs: number;
  private readonly hooks: ResilienceHooks;
  private readonly random: () => number;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly limiter: ConcurrencyLimiter;
  private readonly timeoutMs: number;
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly subscriptions: IDisposable[] = [];
  private openedAt = 0;
  private closed = false;

  constructor(inner: Provider, options: ResilienceOptions) {
    this.inner = inner;
    this.name = inner.name;
    this.maxPayloadBytes = inner.maxPayloadBytes;
    this.maxBatchSize = inner.maxBatchSize;
    this.appId = options.appId;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.backoff = options.backoff ?? { baseMs: 100, maxMs: 5_000 };
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
    this.halfOpenAfterMs = options.halfOpenAfterMs ?? 30_000;
    this.hooks = options.hooks ?? {};
    this.random = options.random ?? Math.random;
    this.breaker = circuitBreaker(handleWhenResult(isFailedCall), {
      halfOpenAfter: this.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(Math.max(1, options.breakerThreshold ?? 5)),
    });
    this.limiter = new ConcurrencyLimiter(options.concurrency ?? 100, options.queueLimit ?? 10_000);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.rateLimiter = options.ratePerMinute ? new RateLimiter({ ratePerMinute: options.ratePerMinute }) : undefined;
    this.subscriptions.push(
      this.breaker.onBreak(() => {
        this.openedAt = Date.now();
      }),
      this.breaker.onStateChange((state) => {
        this.emit(() => this.hooks.onCircuitState?.({ app: this.appId, provider: this.name, state: circuitStateName(state) }));
      }),
    );
  }

  /** Provider calls running now (a gauge for metrics and benchmarks). */
  get inFlight(): number {
    return this.limiter.active;
  }

  /** The circuit's current state (an open circuit whose wait is over reads `open` until a call tries it). */
  get circuitState(): CircuitStateName {
    return circuitStateName(this.breaker.state);
  }

  payloadBytes(message: PushMessage): number {
    return this.inner.payloadBytes(message);
  }

  /** False while the circuit is open and its half-open wait is not over, or the adapter says so. */
  isAvailable(): boolean {
    if (this.closed) return false;
    const state = this.breaker.state;
    if (state === CircuitState.Isolated) return false;
    if (state === CircuitState.Open && Date.now() - this.openedAt < this.halfOpenAfterMs) return false;
    return this.inner.isAvailable?.() ?? true;
  }

  async send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]> {
    if (targets.length === 0) return [];
    const signal = options?.signal;
    // Fast path for the common single-shot call: no bookkeeping of which targets to retry.
    if (this.maxAttempts === 1) return this.attempt(message, targets, 1, signal);
    if (targets.length === 1) return this.sendOne(message, targets, signal);
    const outcomes: SendOutcome[] = fill(targets.length, { kind: 'retry', reason: 'not-attempted' });
    let pending: number[] = targets.map((_, index) => index);

    for (let attempt = 1; ; attempt += 1) {
      const batch = pending.map((index) => targets[index] as PushTarget);
      const results = await this.attempt(message, batch, attempt, signal);
      const again: number[] = [];
      let retryAfterMs: number | undefined;
      results.forEach((outcome, position) => {
        const index = pending[position] as number;
        outcomes[index] = outcome;
        if (isRetryable(outcome)) {
          again.push(index);
          if (outcome.retryAfterMs !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, outcome.retryAfterMs);
        }
      });
      if (again.length === 0 || attempt >= this.maxAttempts || signal?.aborted) break;
      const delayMs = retryDelayMs(attempt, retryAfterMs, this.backoff, this.random);
      // A long wait is the pipeline's to schedule; a retry after expiry would deliver a dead message.
      if (delayMs > this.maxRetryDelayMs || Date.now() + delayMs >= message.expiresAt) break;
      try {
        await sleep(delayMs, undefined, signal ? { signal } : undefined);
      } catch {
        break;
      }
      pending = again;
    }
    return outcomes;
  }

  /** `send` for a single target (every APNs push): the same retry loop without per-target bookkeeping. */
  private async sendOne(message: PushMessage, targets: readonly PushTarget[], signal: AbortSignal | undefined): Promise<SendOutcome[]> {
    for (let attempt = 1; ; attempt += 1) {
      const results = await this.attempt(message, targets, attempt, signal);
      const outcome = results[0] as SendOutcome;
      if (!isRetryable(outcome) || attempt >= this.maxAttempts || signal?.aborted) return results;
      const delayMs = retryDelayMs(attempt, outcome.retryAfterMs, this.backoff, this.random);
      // A long wait is the pipeline's to schedule; a retry after expiry would deliver a dead message.
      if (delayMs > this.maxRetryDelayMs || Date.now() + delayMs >= message.expiresAt) return results;
      try {
        await sleep(delayMs, undefined, signal ? { signal } : undefined);
      } catch {
        return results;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    await this.inner.close();
  }

  /** One provider call for `batch`, through bulkhead, rate limit, breaker and timeout. Never throws. */
  private async attempt(
    message: PushMessage,
    batch: readonly PushTarget[],
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<SendOutcome[]> {
    if (this.closed) return fill(batch.length, { kind: 'retry', reason: 'provider-closed' });
    // Fast path: an open circuit answers without queueing behind the bulkhead.
    if (!this.isAvailable()) return fill(batch.length, { kind: 'retry', reason: 'circuit-open' });
    const slot = this.limiter.acquire(signal);
    if (slot === 'full') return fill(batch.length, { kind: 'retry', reason: 'overloaded' });
    if (slot !== 'acquired') {
      try {
        await slot;
      } catch {
        return fill(batch.length, { kind: 'retry', reason: 'aborted' });
      }
    }
    try {
      if (this.rateLimiter) await this.rateLimiter.acquire(signal);
      return await this.breaker.execute(() => this.call(message, batch, attempt, signal));
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        return fill(batch.length, { kind: 'retry', reason: 'circuit-open' });
      }
      if (signal?.aborted) return fill(batch.length, { kind: 'retry', reason: 'aborted' });
      return fill(batch.length, { kind: 'retry', reason: 'internal-error' });
    } finally {
      this.limiter.release();
    }
  }

  /** The adapter call under the timeout; converts a timeout or an adapter bug into outcomes. */
  private async call(
    message: PushMessage,
    batch: readonly PushTarget[],
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<SendOutcome[]> {
    const started = performance.now();
    let outcomes: SendOutcome[];
    try {
      // The attempt settles at the deadline even if the adapter ignores it (a bug, a hung SDK).
      const result = await raceTimeout(this.inner.send(message, batch, signal ? { signal } : undefined), this.timeoutMs);
      if (result === TIMED_OUT) {
        outcomes = fill(batch.length, { kind: 'retry', reason: signal?.aborted ? 'aborted' : 'timeout' });
      } else if (result.length !== batch.length) {
        // An adapter that answers the wrong number of outcomes cannot be trusted for any target.
        outcomes = fill(batch.length, { kind: 'retry', reason: 'provider-bad-answer' });
      } else {
        outcomes = result;
      }
    } catch {
      outcomes = fill(batch.length, { kind: 'retry', reason: signal?.aborted ? 'aborted' : 'provider-threw' });
    }
    this.report(outcomes, performance.now() - started, attempt);
    return outcomes;
  }

  private report(outcomes: readonly SendOutcome[], latencyMs: number, attempt: number): void {
    const onAttempt = this.hooks.onAttempt;
    if (!onAttempt) return;
    if (outcomes.length === 1) {
      // One target (every APNs call): one event, no grouping map.
      const outcome = outcomes[0] as SendOutcome;
      const event: AttemptEvent = { app: this.appId, provider: this.name, outcome: outcome.kind, count: 1, latencyMs, attempt };
      if (outcome.kind !== 'accepted') event.reason = outcome.reason;
      try {
        onAttempt.call(this.hooks, event);
      } catch {
        // A metrics hook must never break delivery.
      }
      return;
    }
    const groups = new Map<string, AttemptEvent>();
    for (const outcome of outcomes) {
      const reason = outcome.kind === 'accepted' ? undefined : outcome.reason;
      const key = `${outcome.kind}\u0000${reason ?? ''}`;
      const group = groups.get(key);
      if (group) {
        group.count += 1;
      } else {
        const event: AttemptEvent = { app: this.appId, provider: this.name, outcome: outcome.kind, count: 1, latencyMs, attempt };
        if (reason !== undefined) event.reason = reason;
        groups.set(key, event);
      }
    }
    for (const event of groups.values()) this.emit(() => onAttempt.call(this.hooks, event));
  }

  private emit(fn: () => void): void {
    try {
      fn();
    } catch {
      // A metrics hook must never break delivery.
    }
  }
}
