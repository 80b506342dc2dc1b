/**
 * The delivery worker: takes jobs from the queue, plans each device, sends through the providers,
 * and records every step on the device's timeline. Until acks exist (issue 5), a provider's acceptance
 * ends a delivery as `sent`.
 *
 * Crash safety: a job is acked only after all its devices are settled; a job whose worker died is
 * reclaimed by any instance, which skips devices already in a final state (at-least-once).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { ProviderName, PushTarget, SendOutcome } from '../../providers/provider.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { Stores } from '../store/ports.js';
import { TERMINAL_STATUSES, type DeliveryJob, type DeliveryRecord, type DeliveryStatus, type DeviceRecord, type NotificationRecord, type TimelineEvent } from '../store/records.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { buildPlan, toPushMessage } from './planner.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { Ranker } from './ranker.js';

export interface InvalidTokenEvent {
  app: string;
  deviceId: string;
  provider: ProviderName;
  token: string;
  reason: string;
  at: number;
}

export interface DeliveryWorkerOptions {
  stores: Stores;
  registry: ProviderRegistry;
  ranker: Ranker;
  metrics: GatewayMetrics;
  logger: FastifyBaseLogger;
  apps: readonly string[];
  /** Unique per process: the queue's consumer name. */
  consumer: string;
  /** Deliveries worked on at once. */
  concurrency: number;
  devicesPerJob: number;
  reclaimIdleMs: number;
  maxTriesPerStep: number;
  backoff?: BackoffOptions;
  onInvalidToken?: (event: InvalidTokenEvent) => void;
  now?: () => number;
}

/** A counting semaphore: `acquire` waits for a free slot. */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}
  get free(): number {
    return this.size - this.used;
  }
  async acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used -= 1;
  }
}

export class DeliveryWorker {
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly inFlight = new Map<string, { app: string; done: Promise<void> }>();
  private readonly deliverySlots: Slots;
  private readonly jobSlots: Slots;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;
  private readonly stopController = new AbortController();

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.now = options.now ?? Date.now;
    this.deliverySlots = new Slots(options.concurrency);
    // Enough jobs in hand to keep every delivery slot busy, plus one spare per app.
    this.jobSlots = new Slots(Math.max(2, Math.ceil((options.concurrency * 2) / options.devicesPerJob)));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const app of this.options.apps) this.loops.push(this.takeLoop(app));
    const { reclaimIdleMs } = this.options;
    this.timers.push(setInterval(() => void this.touchHeld(), Math.max(500, Math.floor(reclaimIdleMs / 3))));
    this.timers.push(setInterval(() => void this.reclaimIdle(), Math.max(500, Math.floor(reclaimIdleMs / 2))));
    for (const timer of this.timers) timer.unref();
  }

  /** Stops taking work and waits (up to `graceMs`) for jobs in hand; unfinished ones get reclaimed later. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopController.abort();
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled(this.loops);
    const pending = [...this.inFlight.values()].map((j) => j.done);
    const grace = sleep(graceMs, undefined, { ref: false });
    await Promise.race([Promise.allSettled(pending), grace]);
  }

  private async takeLoop(app: string): Promise<void> {
    const { stores, consumer, logger } = this.options;
    while (this.running) {
      await this.jobSlots.acquire();
      let jobs: DeliveryJob[] = [];
      try {
        jobs = this.running ? await stores.queue.take(app, consumer, Math.max(1, this.jobSlots.free + 1), 1000) : [];
      } catch (error) {
        this.jobSlots.release();
        if (!this.running) break;
        logger.warn({ app, err: (error as Error).message }, 'queue take failed; retrying');
        await sleep(1000, undefined, { ref: false });
        continue;
      }
      if (jobs.length === 0) {
        this.jobSlots.release();
        continue;
      }
      // One slot was acquired for the first job; the rest take theirs without waiting beyond the batch.
      jobs.forEach((job, i) => this.runJob(job, i === 0));
    }
  }

  private runJob(job: DeliveryJob, slotHeld: boolean): void {
    const done = (async () => {
      if (!slotHeld) await this.jobSlots.acquire();
      try {
        await this.processJob(job);
        await this.options.stores.queue.ack(job.app, job.id);
      } catch (error) {
        // Left un-acked: the job is reclaimed after the idle window and worked again.
        this.options.logger.error({ app: job.app, notificationId: job.notificationId, err: (error as Error).message }, 'delivery job failed');
      } finally {
        this.jobSlots.release();
        this.inFlight.delete(job.id);
      }
    })();
    this.inFlight.set(job.id, { app: job.app, done });
  }

  private async touchHeld(): Promise<void> {
    const byApp = new Map<string, string[]>();
    for (const [id, { app }] of this.inFlight) byApp.set(app, [...(byApp.get(app) ?? []), id]);
    for (const [app, ids] of byApp) {
      await this.options.stores.queue.touch(app, this.options.consumer, ids).catch(() => undefined);
    }
  }

  private async reclaimIdle(): Promise<void> {
    if (!this.running) return;
    for (const app of this.options.apps) {
      try {
        const jobs = await this.options.stores.queue.reclaim(app, this.options.consumer, this.options.reclaimIdleMs, 20);
        for (const job of jobs) {
          if (this.inFlight.has(job.id)) continue;
          this.options.logger.warn({ app, notificationId: job.notificationId }, 'took over a job from a silent worker');
          this.runJob(job, false);
        }
      } catch (error) {
        this.options.logger.warn({ app, err: (error as Error).message }, 'reclaim failed');
      }
    }
  }

  private async processJob(job: DeliveryJob): Promise<void> {
    const { stores } = this.options;
    const notification = await stores.notifications.get(job.app, job.notificationId);
    if (!notification) return; // past retention: nothing left to deliver
    const devices = await stores.devices.getMany(job.app, job.deviceIds);
    // A reclaimed job may be half done: leave settled deliveries alone.
    const settled = job.deliveries > 1 ? await stores.notifications.getDeliveries(job.app, job.notificationId) : undefined;
    await Promise.all(
      job.deviceIds.map(async (deviceId, i) => {
        const previous = settled?.get(deviceId);
        if (previous && TERMINAL_STATUSES.has(previous.status)) return;
        await this.deliverySlots.acquire();
        try {
          await this.deliver(notification, deviceId, devices[i]);
        } finally {
          this.deliverySlots.release();
        }
      }),
    );
  }

  private async deliver(notification: NotificationRecord, deviceId: string, device: DeviceRecord | undefined): Promise<void> {
    const { stores, metrics, registry, ranker, maxTriesPerStep } = this.options;
    const app = notification.app;
    const events: TimelineEvent[] = [];
    const finish = async (status: DeliveryStatus, channel?: string, reason?: string) => {
      events.push({ at: this.now(), type: 'state', status, reason });
      const record: DeliveryRecord = { deviceId, status, channel, events, updatedAt: this.now() };
      await stores.notifications.putDelivery(app, notification.id, record);
      metrics.deliveryFinished(app, status);
    };

    if (this.now() >= notification.expiresAt) return finish('expired', undefined, 'ttl passed before sending');
    if (!device) return finish('failed', undefined, 'device no longer registered');

    const message = toPushMessage(notification);
    const plan = buildPlan(registry.forApp(app), ranker, notification, message, device);
    for (const skip of plan.skipped) events.push({ at: this.now(), type: 'skip', channel: skip.channel, reason: skip.reason });
    if (plan.steps.length === 0) return finish('failed', undefined, 'no eligible channel');

    for (const step of plan.steps) {
      const target: PushTarget = { deviceId, token: step.token, platform: device.platform, brand: device.brand, model: device.model, sandbox: device.sandbox };
      for (let attempt = 1; attempt <= maxTriesPerStep; attempt++) {
        if (this.now() >= notification.expiresAt) return finish('expired', step.channel, 'ttl passed while retrying');
        const started = performance.now();
        const [outcome] = await step.provider.send(message, [target], { signal: this.stopController.signal });
        const result: SendOutcome = outcome ?? { kind: 'retry', reason: 'provider returned no outcome' };
        const latency = performance.now() - started;
        metrics.attempt(app, step.channel, result.kind);
        metrics.sendLatency(app, step.channel, latency / 1000);
        events.push({
          at: this.now(), type: 'attempt', channel: step.channel, outcome: result.kind,
          reason: 'reason' in result ? result.reason : undefined,
          providerMessageId: result.kind === 'accepted' ? result.providerMessageId : undefined,
          latencyMs: Math.round(latency),
        });
        if (result.kind === 'accepted') return finish('sent', step.channel);
        if (result.kind === 'invalid-token') {
          await this.dropToken(app, device, step.channel, step.token, result.reason);
          break;
        }
        if (result.kind !== 'retry' || attempt === maxTriesPerStep || !this.running) break;
        const delay = backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF, result.retryAfterMs);
        if (this.now() + delay >= notification.expiresAt) return finish('expired', step.channel, 'ttl passes before the next try');
        if (attempt === 1) {
          // Visible while it waits: the delivery is in progress.
          await stores.notifications.putDelivery(app, notification.id, { deviceId, status: 'sending', channel: step.channel, events, updatedAt: this.now() });
        }
        try {
          await sleep(delay, undefined, { signal: this.stopController.signal });
        } catch {
          break; // shutting down: the job stays un-acked and is reclaimed
        }
      }
      if (!this.running) throw new Error('stopped mid-delivery');
    }
    return finish('failed', undefined, 'every channel failed');
  }

  private async dropToken(app: string, device: DeviceRecord, channel: ProviderName, token: string, reason: string): Promise<void> {
    const removed = await this.options.stores.devices.removeToken(app, device.id, channel, token);
    if (!removed) return; // already replaced by a newer registration
    this.options.metrics.invalidToken(app, channel);
    this.options.onInvalidToken?.({ app, deviceId: device.id, provider: channel, token, reason, at: this.now() });
  }
}
