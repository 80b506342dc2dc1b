/**
 * The delivery worker of one instance: takes jobs from the queue and starts each device's delivery,
 * claims expired ack deadlines and escalates them, and takes over jobs of instances that went silent.
 *
 * Crash safety: a job is acked only after all its devices are settled (sent and waiting for an ack,
 * or final); a job whose worker died is reclaimed by any instance, which leaves settled devices
 * alone (at-least-once). Deadlines are claimed under a lease, so one whose claimant died comes back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { ConcurrencyLimiter } from '../../providers/resilience/concurrency-limiter.js';
import type { Stores } from '../store/ports.js';
import { SETTLED_STATUSES, type DeliveryJob, type DeliveryRecord, type DeviceRecord, type NotificationRecord } from '../store/records.js';
import { parseDeadlineMember } from './deadline-member.js';
import { DeliveryInterrupted, type DeliveryRunner } from './delivery-runner.js';

export interface DeliveryWorkerOptions {
  stores: Stores;
  runner: DeliveryRunner;
  logger: FastifyBaseLogger;
  apps: readonly string[];
  /** Unique per process: the queue's consumer name. */
  consumer: string;
  /** Deliveries worked on at once. */
  concurrency: number;
  devicesPerJob: number;
  reclaimIdleMs: number;
  deadlineTickMs: number;
  deadlineLeaseMs: number;
  /** Aborted by stop(); shared with the runner so sends in progress give up too. */
  stopController: AbortController;
  now?: () => number;
}

/** Jobs taken over per reclaim call. */
const RECLAIM_PAGE = 100;

/** Slots left of a limiter (the take loops size their reads by it). */
function freeSlots(limiter: ConcurrencyLimiter): number {
  return limiter.capacity - limiter.active;
}

export class DeliveryWorker {
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly inFlight = new Map<string, { app: string; done: Promise<void> }>();
  private readonly escalating = new Set<Promise<void>>();
  // The providers' semaphore, with an unbounded wait queue: work waits for a slot, never refused.
  private readonly deliverySlots: ConcurrencyLimiter;
  private readonly jobSlots: ConcurrencyLimiter;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly now: () => number;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.now = options.now ?? Date.now;
    this.deliverySlots = new ConcurrencyLimiter(options.concurrency, Number.POSITIVE_INFINITY);
    // Jobs are mostly single-device notifications, sometimes fan-outs of devicesPerJob: allow as many
    // jobs in hand as delivery slots, so small jobs keep every slot busy (devices still wait for slots).
    this.jobSlots = new ConcurrencyLimiter(Math.max(2, options.concurrency), Number.POSITIVE_INFINITY);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const app of this.options.apps) {
      this.loops.push(this.takeLoop(app));
      this.loops.push(this.deadlineLoop(app));
    }
    const { reclaimIdleMs } = this.options;
    this.timers.push(setInterval(() => void this.touchHeld(), Math.max(500, Math.floor(reclaimIdleMs / 3))));
    this.timers.push(setInterval(() => void this.reclaimIdle(), Math.max(500, Math.floor(reclaimIdleMs / 2))));
    for (const timer of this.timers) timer.unref();
  }

  /** Stops taking work and waits (up to `graceMs`) for work in hand; unfinished work is reclaimed later. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    const pending = [...this.inFlight.values()].map((j) => j.done).concat([...this.escalating]);
    const grace = sleep(graceMs, undefined, { ref: false });
    // In-flight work first gets its chance to finish; then sends still waiting are interrupted.
    await Promise.race([Promise.allSettled(pending), grace]);
    this.options.stopController.abort();
    await Promise.allSettled(this.loops);
  }

  private async takeLoop(app: string): Promise<void> {
    const { stores, consumer, logger } = this.options;
    while (this.running) {
      await this.jobSlots.acquire();
      let jobs: DeliveryJob[] = [];
      try {
        jobs = this.running ? await stores.queue.take(app, consumer, Math.max(1, freeSlots(this.jobSlots) + 1), 1000) : [];
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
      // One slot was acquired for the first job; the others take theirs.
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
        if (!(error instanceof DeliveryInterrupted)) {
          this.options.logger.error({ app: job.app, notificationId: job.notificationId, err: (error as Error).message }, 'delivery job failed');
        }
      } finally {
        this.jobSlots.release();
        this.inFlight.delete(job.id);
      }
    })();
    this.inFlight.set(job.id, { app: job.app, done });
  }

  private async processJob(job: DeliveryJob): Promise<void> {
    const { stores } = this.options;
    // Issued together, so they share one round trip (the Redis client pipelines commands of one tick).
    // A re-run job may be half done: settled deliveries are left alone, unsettled ones resume.
    const [notification, devices, existing] = await Promise.all([
      stores.notifications.get(job.app, job.notificationId),
      stores.devices.getMany(job.app, job.deviceIds),
      job.deliveries > 1 ? stores.notifications.getDeliveries(job.app, job.notificationId) : undefined,
    ]);
    if (!notification) return; // past retention: nothing left to deliver
    // Most jobs carry one device: no per-device promises to gather.
    if (job.deviceIds.length === 1) return this.deliver(notification, job.deviceIds[0] as string, devices[0], existing);
    const results = await Promise.allSettled(job.deviceIds.map((deviceId, i) => this.deliver(notification, deviceId, devices[i], existing)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** One device of a job, in a delivery slot; a delivery a previous run settled is left alone. */
  private async deliver(notification: NotificationRecord, deviceId: string, device: DeviceRecord | undefined, existing: Map<string, DeliveryRecord> | undefined): Promise<void> {
    const previous = existing?.get(deviceId);
    if (previous && SETTLED_STATUSES.has(previous.status)) return;
    const slot = this.deliverySlots.acquire();
    if (slot !== 'acquired') await slot;
    try {
      await this.options.runner.start(notification, deviceId, device, previous);
    } finally {
      this.deliverySlots.release();
    }
  }

  /** Claims this app's expired deadlines every tick and escalates each. */
  private async deadlineLoop(app: string): Promise<void> {
    const { stores, logger, deadlineTickMs, deadlineLeaseMs } = this.options;
    while (this.running) {
      try {
        const free = Math.max(1, freeSlots(this.deliverySlots));
        const now = this.now();
        const claimed = await stores.deadlines.claimDue(app, now, now + deadlineLeaseMs, Math.min(free, 500));
        const notifications = new Map<string, Promise<NotificationRecord | undefined>>();
        for (const member of claimed) {
          const ref = parseDeadlineMember(member);
          if (!ref) {
            await stores.deadlines.release(app, member);
            continue;
          }
          let notification = notifications.get(ref.notificationId);
          if (!notification) notifications.set(ref.notificationId, (notification = stores.notifications.get(app, ref.notificationId)));
          const work = this.escalate(app, member, ref.deviceId, ref.step, notification);
          this.escalating.add(work);
          void work.finally(() => this.escalating.delete(work));
        }
        if (claimed.length === 0) await sleep(deadlineTickMs, undefined, { ref: false });
      } catch (error) {
        if (!this.running) break;
        logger.warn({ app, err: (error as Error).message }, 'deadline claim failed; retrying');
        await sleep(1000, undefined, { ref: false });
      }
    }
  }

  private async escalate(app: string, member: string, deviceId: string, step: number, notification: Promise<NotificationRecord | undefined>): Promise<void> {
    const { stores, runner, logger } = this.options;
    await this.deliverySlots.acquire();
    try {
      const found = await notification;
      if (found) await runner.onDeadline(found, deviceId, step);
      await stores.deadlines.release(app, member);
    } catch (error) {
      // Not released: the lease runs out and the deadline is claimed again (here or elsewhere).
      if (!(error instanceof DeliveryInterrupted)) logger.error({ app, err: (error as Error).message }, 'escalation failed');
    } finally {
      this.deliverySlots.release();
    }
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
        // A dead instance may have held hundreds of small jobs: take them over in pages, not 20 a tick.
        let taken = 0;
        for (let page = 0; page < 20; page++) {
          const jobs = await this.options.stores.queue.reclaim(app, this.options.consumer, this.options.reclaimIdleMs, RECLAIM_PAGE);
          for (const job of jobs) {
            if (this.inFlight.has(job.id)) continue;
            taken += 1;
            this.runJob(job, false);
          }
          if (jobs.length < RECLAIM_PAGE) break;
        }
        if (taken > 0) this.options.logger.warn({ app, jobs: taken }, 'took over jobs from a silent worker');
      } catch (error) {
        this.options.logger.warn({ app, err: (error as Error).message }, 'reclaim failed');
      }
    }
  }
}
