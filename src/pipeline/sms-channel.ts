/**
 * SMS, the paid last resort of a plan: one sender per app (Twilio, Alibaba Cloud, a webhook, or a
 * sandbox), behind a per-phone hourly limit, because every message costs money and a flood of texts is
 * worse than none. The limit is counted in Redis when the gateway runs on it, so all instances share it.
 * Every call to a sender (retries included) and its circuit reach the metrics as provider `sms`, through
 * the same hooks as the push adapters; a text the limit refuses never reaches a sender, so it is no
 * attempt (the timeline shows it).
 */
import { randomUUID } from 'node:crypto';
import type { SendOutcome } from '../../providers/provider.js';
import type { ResilienceHooks } from '../../providers/resilience/index.js';
import type { SandboxOptions } from '../../providers/sandbox/index.js';
import { createSmsSender, SMS_METRIC_PROVIDER, type SmsSender } from '../../providers/sms/index.js';
import type { GatewayConfig } from '../config/index.js';
import type { RedisClient } from '../store/redis/redis-client.js';

export const SMS_CHANNEL = 'sms';

export interface SmsDelivery {
  app: string;
  notificationId: string;
  deviceId: string;
  latencyMs: number;
}

interface AppSender {
  send(message: { notificationId: string; to: string; text: string }, deviceId: string, signal?: AbortSignal): Promise<SendOutcome>;
  close(): Promise<void>;
}

/** A simulated SMS gateway: accepts and "delivers" at the configured rates, then reports receipt. */
class SandboxSms implements AppSender {
  private readonly timers = new Set<NodeJS.Timeout>();
  constructor(
    private readonly app: string,
    private readonly options: SandboxOptions,
    private readonly onDelivered?: (d: SmsDelivery) => void,
    private readonly hooks: ResilienceHooks = {},
  ) {}

  async send(message: { notificationId: string }, deviceId: string): Promise<SendOutcome> {
    const outcome = this.simulate(message, deviceId);
    // A simulated call is still a call: the sandbox shows in the metrics as a live sender would.
    const event = { app: this.app, provider: SMS_METRIC_PROVIDER, outcome: outcome.kind, count: 1, latencyMs: 0, attempt: 1 } as const;
    try {
      this.hooks.onAttempt?.(outcome.kind === 'accepted' ? event : { ...event, reason: outcome.reason });
    } catch {
      // A metrics hook must never stop a text.
    }
    return outcome;
  }

  private simulate(message: { notificationId: string }, deviceId: string): SendOutcome {
    if (Math.random() >= this.options.acceptRate) return { kind: 'retry', reason: 'simulated unavailable' };
    if (Math.random() < this.options.deliveryRate && this.onDelivered) {
      const { min, max } = this.options.latencyMs;
      const latencyMs = Math.round(min + (max - min) * Math.random());
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.onDelivered?.({ app: this.app, notificationId: message.notificationId, deviceId, latencyMs });
      }, latencyMs);
      timer.unref();
      this.timers.add(timer);
    }
    return { kind: 'accepted', providerMessageId: `SM${randomUUID().replace(/-/g, '')}` };
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
  }
}

class LiveSms implements AppSender {
  constructor(private readonly sender: SmsSender) {}
  send(message: { notificationId: string; to: string; text: string }, _deviceId: string, signal?: AbortSignal): Promise<SendOutcome> {
    return this.sender.send(message, { signal });
  }
  close(): Promise<void> {
    return this.sender.close();
  }
}

export interface SmsChannelsOptions {
  redis?: RedisClient;
  keyPrefix: string;
  /** Sandbox deliveries (the simulated phone got the text): the gateway acks them. */
  onSandboxDelivered?: (delivery: SmsDelivery) => void;
  /** The push adapters' metric hooks: every sender reports its calls and circuit as provider `sms`. */
  hooks?: ResilienceHooks;
  now?: () => number;
}

export class SmsChannels {
  private readonly senders = new Map<string, AppSender>();
  private readonly limits = new Map<string, number>();
  private readonly counts = new Map<string, { hour: number; count: number }>();
  private readonly now: () => number;

  constructor(config: GatewayConfig, private readonly options: SmsChannelsOptions) {
    this.now = options.now ?? Date.now;
    for (const [appId, app] of Object.entries(config.apps)) {
      if (!app.sms) continue;
      // costPerMessage is the scoring's (gateway.ts), the rest of the block the sender's.
      const { sandbox, perPhonePerHour, costPerMessage: _cost, ...live } = app.sms;
      this.senders.set(appId, sandbox
        ? new SandboxSms(appId, sandbox, options.onSandboxDelivered, options.hooks)
        : new LiveSms(createSmsSender(live, { appId, hooks: options.hooks })));
      this.limits.set(appId, perPhonePerHour);
    }
  }

  has(app: string): boolean {
    return this.senders.has(app);
  }

  async send(app: string, deviceId: string, message: { notificationId: string; to: string; text: string }, signal?: AbortSignal): Promise<SendOutcome> {
    const sender = this.senders.get(app);
    if (!sender) return { kind: 'rejected', reason: 'no SMS sender configured' };
    if (!(await this.withinLimit(app, message.to))) return { kind: 'rejected', reason: 'per-phone SMS limit reached' };
    return sender.send(message, deviceId, signal);
  }

  /** Counts this text against the phone's hourly allowance; false when it is used up. */
  private async withinLimit(app: string, phone: string): Promise<boolean> {
    const limit = this.limits.get(app) ?? 3;
    const hour = Math.floor(this.now() / 3_600_000);
    const { redis, keyPrefix } = this.options;
    if (redis) {
      const key = `{${keyPrefix}:${app}}:sms:${phone}:${hour}`;
      const result = await redis.multi().incr(key).expire(key, 3_600).exec();
      const count = Number(result?.[0]?.[1] ?? limit + 1);
      return count <= limit;
    }
    const key = `${app}|${phone}`;
    const entry = this.counts.get(key);
    const current = entry && entry.hour === hour ? entry : { hour, count: 0 };
    current.count += 1;
    this.counts.set(key, current);
    if (this.counts.size > 100_000) this.prune(hour);
    return current.count <= limit;
  }

  private prune(hour: number): void {
    for (const [key, entry] of this.counts) if (entry.hour !== hour) this.counts.delete(key);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.senders.values()].map((s) => s.close()));
  }
}
