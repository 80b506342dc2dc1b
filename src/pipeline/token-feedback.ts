/**
 * Token hygiene: tells an app's backend which device tokens a provider declared invalid, so it can clean
 * up its own records. Fire-and-forget from the pipeline's point of view: `report()` never blocks and
 * never throws; delivery to the webhook is retried in the background.
 */
import { Agent, request } from 'undici';
import type { ProviderName } from '../../providers/provider.js';
import { retryDelayMs, type BackoffOptions } from '../../providers/resilience/backoff.js';
import { parseRetryAfterMs } from '../../providers/resilience/retry-after.js';

/** The JSON body POSTed to the webhook. */
export interface TokenFeedbackEvent {
  app: string;
  deviceId: string;
  provider: ProviderName;
  token: string;
  /** The provider's reason (`Unregistered`, `UNREGISTERED`, `jpush-1011`, ...). */
  reason: string;
  /** ISO-8601 time the provider said so. */
  at: string;
}

/** Where an app wants its feedback: the app config's `feedback` block. */
export interface TokenFeedbackWebhook {
  url: string;
  /** Sent as the secret header so the receiver can authenticate us. */
  secret: string;
}

/** Why an event was not delivered. */
export type TokenFeedbackDropReason = 'queue-full' | 'refused' | 'gave-up' | 'closed';

export interface TokenFeedbackReporterOptions {
  /** The app's webhook, or undefined when it has none (events are then ignored). */
  webhookFor(app: string): TokenFeedbackWebhook | undefined;
  /** Events waiting (and retrying) at most; beyond it new events are dropped. Default 10,000. */
  maxQueue?: number;
  /** POSTs in flight at once. Default 4. */
  concurrency?: number;
  /** Tries per event. Default 5. */
  maxAttempts?: number;
  /** Backoff between tries (full jitter, honouring Retry-After). Default 500 ms doubling to 30 s. */
  backoff?: BackoffOptions;
  /** Budget of one POST. Default 5 s. */
  timeoutMs?: number;
  /** Header carrying the secret. Default `X-Pushmux-Secret`. */
  secretHeader?: string;
  /** Extra CA (PEM) for a webhook with a private certificate. */
  ca?: string;
  /** Metric/log hooks; they must not throw. */
  onDelivered?(event: TokenFeedbackEvent): void;
  onDropped?(event: TokenFeedbackEvent, reason: TokenFeedbackDropReason): void;
  logger?: { warn(obj: object, msg: string): void };
}

interface Job {
  event: TokenFeedbackEvent;
  webhook: TokenFeedbackWebhook;
  attempts: number;
}

/** Outcome of one POST: done, try again (maybe after a delay), or never (4xx). */
type PostResult = { kind: 'done' } | { kind: 'retry'; retryAfterMs?: number } | { kind: 'refused'; status: number };

/**
 * Posts `{app, deviceId, provider, token, reason, at}` to each app's feedback webhook with the secret
 * header. A bounded in-memory queue feeds a few workers; 5xx, 429, timeouts and network errors are
 * retried with backoff (honouring Retry-After), other 4xx are dropped. `close()` stops intake and drains
 * what is queued within a deadline. Tokens are sent to the webhook only, never logged.
 */
export class TokenFeedbackReporter {
  private readonly options: TokenFeedbackReporterOptions;
  private readonly queue: Job[] = [];
  private readonly maxQueue: number;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly timeoutMs: number;
  private readonly secretHeader: string;
  private readonly dispatcher: Agent;
  /** Aborted by close() at its deadline: cuts backoff waits and POSTs short. */
  private readonly shutdown = new AbortController();
  private active = 0;
  /** Jobs waiting for their next try. */
  private readonly waiting = new Map<NodeJS.Timeout, Job>();
  /** Jobs queued or being worked on (including backoff waits). */
  private inSystem = 0;
  private closing = false;
  private idle: (() => void) | undefined;

  constructor(options: TokenFeedbackReporterOptions) {
    this.options = options;
    this.maxQueue = options.maxQueue ?? 10_000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.secretHeader = options.secretHeader ?? 'X-Pushmux-Secret';
    this.dispatcher = new Agent({
      connections: this.concurrency,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: options.ca === undefined ? { timeout: this.timeoutMs } : { ca: options.ca, timeout: this.timeoutMs },
    });
  }

  /** Events accepted and not yet delivered or dropped. */
  get pending(): number {
    return this.inSystem;
  }

  /**
   * Queues an invalid-token report (a delivery worker `InvalidTokenEvent` fits as is). Answers false when it is not queued: the app has no webhook, the
   * queue is full, or the reporter is closing. Never blocks, never throws.
   */
  report(input: Omit<TokenFeedbackEvent, 'at'> & { at?: string | Date | number }): boolean {
    const webhook = this.options.webhookFor(input.app);
    if (webhook === undefined) return false;
    // The delivery worker's InvalidTokenEvent carries epoch ms; the webhook always gets ISO-8601.
    const at =
      typeof input.at === 'number' ? new Date(input.at).toISOString() : input.at instanceof Date ? input.at.toISOString() : (input.at ?? new Date().toISOString());
    const event: TokenFeedbackEvent = { app: input.app, deviceId: input.deviceId, provider: input.provider, token: input.token, reason: input.reason, at };
    if (this.closing) {
      this.dropped(event, 'closed');
      return false;
    }
    if (this.inSystem >= this.maxQueue) {
      this.dropped(event, 'queue-full');
      return false;
    }
    this.inSystem += 1;
    this.queue.push({ event, webhook, attempts: 0 });
    this.pump();
    return true;
  }

  /**
   * Stops taking events and waits until every queued event is delivered or dropped, at most
   * `deadlineMs` (default 10 s); then cuts retries short and drops what is left.
   */
  async close(deadlineMs = 10_000): Promise<void> {
    this.closing = true;
    if (this.inSystem > 0) {
      const drained = new Promise<void>((resolve) => {
        this.idle = resolve;
      });
      const timer = setTimeout(() => {
        this.shutdown.abort();
        this.dropWaiting();
      }, deadlineMs);
      await drained;
      clearTimeout(timer);
    }
    this.shutdown.abort();
    await this.dispatcher.close();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.active += 1;
      void this.work(job).finally(() => {
        this.active -= 1;
        this.pump();
      });
    }
  }

  /**
   * One try of one job. A job to retry waits on a timer outside the worker slots, so a webhook that is
   * down does not stall the reports of other apps.
   */
  private async work(job: Job): Promise<void> {
    job.attempts += 1;
    const result = await this.post(job);
    if (result.kind === 'done') {
      this.safely(() => this.options.onDelivered?.(job.event));
      return this.finish();
    }
    if (result.kind === 'refused') {
      this.options.logger?.warn({ app: job.event.app, status: result.status }, 'feedback webhook refused an invalid-token report');
      this.dropped(job.event, 'refused');
      return this.finish();
    }
    if (this.shutdown.signal.aborted || job.attempts >= this.maxAttempts) {
      this.dropped(job.event, this.shutdown.signal.aborted ? 'closed' : 'gave-up');
      return this.finish();
    }
    // Retry-After is honoured up to the backoff cap: a webhook asking for an hour gets maxMs.
    const delayMs = Math.min(retryDelayMs(job.attempts, result.retryAfterMs, this.backoff), this.backoff.maxMs);
    const timer = setTimeout(() => {
      this.waiting.delete(timer);
      this.queue.push(job);
      this.pump();
    }, delayMs);
    this.waiting.set(timer, job);
  }

  /** Drops jobs waiting for a retry (at the close deadline). */
  private dropWaiting(): void {
    for (const [timer, job] of this.waiting) {
      clearTimeout(timer);
      this.dropped(job.event, 'closed');
      this.finish();
    }
    this.waiting.clear();
  }

  private finish(): void {
    this.inSystem -= 1;
    if (this.inSystem === 0 && this.idle) {
      const resolve = this.idle;
      this.idle = undefined;
      resolve();
    }
  }

  private async post(job: Job): Promise<PostResult> {
    try {
      const response = await request(job.webhook.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: { 'content-type': 'application/json', [this.secretHeader]: job.webhook.secret },
        body: JSON.stringify(job.event),
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.shutdown.signal]),
      });
      await response.body.dump();
      const status = response.statusCode;
      if (status >= 200 && status < 300) return { kind: 'done' };
      if (status === 429 || status >= 500 || status === 408) {
        const retryAfterMs = parseRetryAfterMs(response.headers['retry-after']);
        return retryAfterMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs };
      }
      return { kind: 'refused', status };
    } catch {
      return { kind: 'retry' };
    }
  }

  private dropped(event: TokenFeedbackEvent, reason: TokenFeedbackDropReason): void {
    this.safely(() => this.options.onDropped?.(event, reason));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // Hooks are metrics and logs; they must not break the reporter.
    }
  }
}
