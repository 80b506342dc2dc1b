import { JPushClient, type JPushAnswer } from './jpush-client.js';
import { JPushResponseError } from './jpush-errors.js';
import type { JPushSettings } from './jpush-options.js';

/** A device confirmed by JPush's report API. */
export interface JPushDelivery {
  msgId: string;
  registrationId: string;
  /** When the poller saw the report (the status API gives no per-device time). */
  deliveredAt: number;
}

/** A registration id JPush says is not (or no longer) in the app: drop the token. */
export interface JPushInvalidToken {
  msgId: string;
  registrationId: string;
  reason: 'not-in-app';
}

export interface JPushReceiptPollerOptions {
  /** Credentials and report endpoint; `reportEndpoint`, `appKey`, `masterSecret`, `ca`, `timeoutMs` are used. */
  settings: Pick<JPushSettings, 'appKey' | 'masterSecret' | 'reportEndpoint' | 'ca' | 'timeoutMs'>;
  onDelivered(delivery: JPushDelivery): void;
  onInvalidToken?(invalid: JPushInvalidToken): void;
  /** Report API failures (the poller keeps going); never carries secrets. */
  onError?(error: Error): void;
  /** Pause between polls; default 30 s. */
  intervalMs?: number;
  /** Give up on a device after this long without a final status; default 1 hour. */
  maxAgeMs?: number;
  /** Registration ids tracked at once; `track` refuses more. Default 100,000. */
  maxTracked?: number;
  /** Report API calls per poll (the free tier allows 2,400 a minute); default 20. */
  maxRequestsPerPoll?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** JPush's status codes of `POST /v3/status/message` (reference §3). */
const STATUS_DELIVERED = 0;
const STATUS_NOT_IN_APP = 2;
const STATUS_NOT_TARGET = 3;

interface TrackedMessage {
  msgId: string;
  sentAt: number;
  /** Registration ids still waiting for a final status. */
  pending: Set<string>;
}

/** The push date in Beijing time (UTC+8), as the report API files messages. */
function beijingDate(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * Polls JPush's report API (`POST /v3/status/message`, per msg_id, up to 1,000 registration ids a
 * call) for devices of accepted pushes, and turns the answers into callbacks: status 0 → `onDelivered`,
 * 2 (not in the app) → `onInvalidToken`; 3 (not a target) drops the device; 1 and 4 (not yet, system
 * error) are asked again next poll until `maxAgeMs`. Bounded in memory and in calls per poll; polls never
 * overlap. `start()` / `stop()`; `pollOnce()` runs one round (tests, shutdown flush).
 */
export class JPushReceiptPoller {
  private readonly options: JPushReceiptPollerOptions;
  private readonly client: JPushClient;
  private readonly intervalMs: number;
  private readonly maxAgeMs: number;
  private readonly maxTracked: number;
  private readonly maxRequestsPerPoll: number;
  private readonly now: () => number;
  /** Insertion order is send order: the oldest messages are polled first. */
  private readonly messages = new Map<string, TrackedMessage>();
  private tracked = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(options: JPushReceiptPollerOptions) {
    this.options = options;
    this.intervalMs = options.intervalMs ?? 30_000;
    this.maxAgeMs = options.maxAgeMs ?? 3_600_000;
    this.maxTracked = options.maxTracked ?? 100_000;
    this.maxRequestsPerPoll = options.maxRequestsPerPoll ?? 20;
    this.now = options.now ?? Date.now;
    this.client = new JPushClient({
      origin: options.settings.reportEndpoint,
      appKey: options.settings.appKey,
      masterSecret: options.settings.masterSecret,
      ca: options.settings.ca,
      timeoutMs: options.settings.timeoutMs,
      connections: 2,
    });
  }

  /** Registration ids waiting for a final status. */
  get size(): number {
    return this.tracked;
  }

  /**
   * Follows the devices of an accepted push. Answers false (and tracks nothing) when that would exceed
   * `maxTracked`: the deliveries then rely on device acks alone.
   */
  track(msgId: string, registrationIds: readonly string[], sentAt: number = this.now()): boolean {
    if (!/^\d+$/.test(msgId)) return false;
    const message = this.messages.get(msgId) ?? { msgId, sentAt, pending: new Set<string>() };
    const fresh = registrationIds.filter((id) => !message.pending.has(id));
    if (this.tracked + fresh.length > this.maxTracked) return false;
    for (const id of fresh) message.pending.add(id);
    this.tracked += fresh.length;
    if (message.pending.size > 0) this.messages.set(msgId, message);
    return true;
  }

  /** Polls every `intervalMs` until `stop()`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops polling, waits for a poll in progress, releases the connection pool. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.client.close();
  }

  /** One polling round over the oldest tracked messages. */
  pollOnce(): Promise<void> {
    this.running ??= this.poll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.pollOnce().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    let requests = 0;
    for (const message of [...this.messages.values()]) {
      if (this.now() - message.sentAt > this.maxAgeMs) {
        this.forget(message, [...message.pending]);
        continue;
      }
      const ids = [...message.pending];
      for (let start = 0; start < ids.length; start += 1000) {
        if (requests >= this.maxRequestsPerPoll) return;
        requests += 1;
        await this.pollChunk(message, ids.slice(start, start + 1000));
      }
    }
  }

  private async pollChunk(message: TrackedMessage, ids: string[]): Promise<void> {
    // msg_id is an int64: written verbatim, never through a JS number.
    const body = `{"msg_id":${message.msgId},"registration_ids":${JSON.stringify(ids)},"date":"${beijingDate(message.sentAt)}"}`;
    let answer: JPushAnswer;
    try {
      answer = await this.client.call('POST', '/v3/status/message', body);
    } catch (error) {
      this.options.onError?.(error as Error);
      return;
    }
    if (answer.statusCode !== 200 || typeof answer.json !== 'object' || answer.json === null) {
      this.options.onError?.(new JPushResponseError(answer.statusCode, answer.code, answer.message ?? 'unexpected report answer'));
      return;
    }
    const statuses = answer.json as Record<string, { status?: unknown } | undefined>;
    const done: string[] = [];
    const at = this.now();
    for (const id of ids) {
      const status = statuses[id]?.status;
      if (status === STATUS_DELIVERED) {
        done.push(id);
        this.safely(() => this.options.onDelivered({ msgId: message.msgId, registrationId: id, deliveredAt: at }));
      } else if (status === STATUS_NOT_IN_APP) {
        done.push(id);
        this.safely(() => this.options.onInvalidToken?.({ msgId: message.msgId, registrationId: id, reason: 'not-in-app' }));
      } else if (status === STATUS_NOT_TARGET) {
        done.push(id);
      }
    }
    this.forget(message, done);
  }

  private forget(message: TrackedMessage, ids: readonly string[]): void {
    for (const id of ids) {
      if (message.pending.delete(id)) this.tracked -= 1;
    }
    if (message.pending.size === 0) this.messages.delete(message.msgId);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }
}
