/**
 * One delivery's state machine: send the plan's next step, wait for its ack (a deadline in storage),
 * move on when the deadline passes, end as delivered, failed or expired. Every change is a
 * compare-and-set on the delivery record, so an ack and an escalation never both win.
 *
 * Plan per device: the ranked providers (skipping channels already tried), then the long connection
 * (a placeholder until issue 6), then SMS (issue 7). Each step waits `deadlineFor()` for its ack.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ProviderName, PushTarget, SendOutcome } from '../../providers/provider.js';
import type { AppConfig, GatewayConfig } from '../config/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { Stores } from '../store/ports.js';
import type { DeliveryRecord, DeliveryStatus, DeviceRecord, NotificationRecord } from '../store/records.js';
import { deadlineMember } from './deadline-member.js';
import type { OutcomeSink } from './outcome-sink.js';
import { buildPlan, toPushMessage, type PlanStep } from './planner.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { DeviceClass, Ranker } from './ranker.js';

export interface InvalidTokenEvent {
  app: string;
  deviceId: string;
  provider: ProviderName;
  token: string;
  reason: string;
  at: number;
}

export interface DeliveryRunnerDeps {
  config: GatewayConfig;
  stores: Stores;
  registry: ProviderRegistry;
  ranker: Ranker;
  outcomes: OutcomeSink;
  metrics: GatewayMetrics;
  logger: FastifyBaseLogger;
  /** Aborted at shutdown: waits and sends in progress give up and leave the work to be reclaimed. */
  stopSignal: AbortSignal;
  onInvalidToken?: (event: InvalidTokenEvent) => void;
  now?: () => number;
}

/** Thrown when shutdown interrupts a step: the job stays un-acked and is reclaimed. */
export class DeliveryInterrupted extends Error {}

/** Channels after the providers, in plan order. */
const LONG_CONNECTION = 'longconn';

export class DeliveryRunner {
  private readonly now: () => number;

  constructor(private readonly deps: DeliveryRunnerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** First step of a device's delivery, from a queued job. `existing` is set when a job is re-run. */
  async start(notification: NotificationRecord, deviceId: string, device: DeviceRecord | undefined, existing?: DeliveryRecord): Promise<void> {
    const record: DeliveryRecord = existing ?? {
      deviceId, status: 'queued', version: 0, attempted: [], step: 0, events: [], updatedAt: this.now(),
      deviceClass: device && classOf(device),
    };
    if (!device) {
      await this.finish(notification, record, 'failed', undefined, 'device no longer registered');
      return;
    }
    await this.advance(notification, device, record);
  }

  /**
   * A claimed deadline: the awaited step got no ack in time. Records the failure for its channel and
   * moves the plan on. Stale deadlines (the step was acked or moved on meanwhile) do nothing.
   */
  async onDeadline(notification: NotificationRecord, deviceId: string, step: number): Promise<void> {
    const { stores, metrics, outcomes } = this.deps;
    const app = notification.app;
    const record = await stores.notifications.getDelivery(app, notification.id, deviceId);
    const awaiting = record?.awaiting;
    if (!record || record.status !== 'sent' || !awaiting || awaiting.step !== step) return;
    const now = this.now();
    metrics.deadlineExpired(app, awaiting.channel);
    if (record.deviceClass) outcomes.record(app, record.deviceClass, awaiting.channel, { delivered: false });
    const next: DeliveryRecord = {
      ...record,
      status: 'sending',
      awaiting: undefined,
      events: [...record.events, { at: now, type: 'deadline', channel: awaiting.channel, reason: `no ack within ${awaiting.deadlineAt - awaiting.sentAt} ms` }],
    };
    if (now >= notification.expiresAt) {
      await this.finish(notification, record, 'expired', awaiting.channel, 'ttl passed while waiting for an ack', next.events);
      return;
    }
    const device = await stores.devices.get(app, deviceId);
    if (!device) {
      await this.finish(notification, record, 'failed', awaiting.channel, 'device no longer registered', next.events);
      return;
    }
    await this.advance(notification, device, next, awaiting.channel, record.version);
  }

  /**
   * Sends the next steps until one is accepted (then waits for its ack) or the plan runs out.
   * `storedVersion` is the version of `record` as stored (it may carry unsaved events).
   */
  private async advance(notification: NotificationRecord, device: DeviceRecord, record: DeliveryRecord, escalatedFrom?: string, storedVersion = record.version): Promise<void> {
    const { registry, ranker, metrics, config } = this.deps;
    const app = notification.app;
    const appConfig = config.apps[app] as AppConfig;
    const message = toPushMessage(notification);
    const events = [...record.events];
    let attempted = [...record.attempted];
    let step = record.step;

    const plan = buildPlan(registry.forApp(app), ranker, notification, message, device, attempted);
    if (step === 0) for (const skip of plan.skipped) events.push({ at: this.now(), type: 'skip', channel: skip.channel, reason: skip.reason });

    for (const planned of plan.steps) {
      if (this.now() >= notification.expiresAt) {
        return this.finish(notification, { ...record, version: storedVersion }, 'expired', planned.channel, 'ttl passed before sending', events, attempted, step);
      }
      attempted = [...attempted, planned.channel];
      step += 1;
      if (escalatedFrom) metrics.escalation(app, escalatedFrom, planned.channel);
      escalatedFrom = planned.channel;
      const result = await this.sendStep(notification, device, planned, events);
      if (result.kind === 'accepted') {
        return this.accepted(notification, appConfig, { ...record, version: storedVersion }, planned.channel, result.providerMessageId, events, attempted, step);
      }
      if (result.kind === 'invalid-token') await this.dropToken(app, device, planned.channel, planned.token, result.reason);
    }

    if (appConfig.longConnection.enabled && !attempted.includes(LONG_CONNECTION)) {
      // Placeholder until pushmux's own channel lands (issue 6): the step exists and is passed over.
      events.push({ at: this.now(), type: 'skip', channel: LONG_CONNECTION, reason: 'long connection not available yet' });
    }
    if (escalatedFrom) metrics.escalation(app, escalatedFrom, 'exhausted');
    const reason = attempted.length === 0 ? 'no eligible channel' : 'every channel failed or went unacknowledged';
    return this.finish(notification, { ...record, version: storedVersion }, 'failed', attempted.at(-1), reason, events, attempted, step);
  }

  /**
   * One provider step. Retries with backoff (honouring Retry-After), the circuit breaker and the
   * attempt metrics live in the provider's resilience layer; what comes back is the step's outcome.
   */
  private async sendStep(notification: NotificationRecord, device: DeviceRecord, planned: PlanStep, events: DeliveryRecord['events']): Promise<SendOutcome> {
    const { stopSignal } = this.deps;
    if (stopSignal.aborted) throw new DeliveryInterrupted('stopping');
    const target: PushTarget = { deviceId: device.id, token: planned.token, platform: device.platform, brand: device.brand, model: device.model, sandbox: device.sandbox };
    const started = performance.now();
    const [outcome] = await planned.provider.send(toPushMessage(notification), [target], { signal: stopSignal });
    const result: SendOutcome = outcome ?? { kind: 'retry', reason: 'provider returned no outcome' };
    if (result.kind === 'retry' && result.reason === 'aborted' && stopSignal.aborted) throw new DeliveryInterrupted('stopping');
    events.push({
      at: this.now(), type: 'attempt', channel: planned.channel, outcome: result.kind,
      reason: 'reason' in result ? result.reason : undefined,
      providerMessageId: result.kind === 'accepted' ? result.providerMessageId : undefined,
      latencyMs: Math.round(performance.now() - started),
    });
    return result;
  }

  private async accepted(
    notification: NotificationRecord, appConfig: AppConfig, base: DeliveryRecord, channel: string,
    providerMessageId: string | undefined, events: DeliveryRecord['events'], attempted: string[], step: number,
  ): Promise<void> {
    const { stores } = this.deps;
    const app = notification.app;
    const now = this.now();
    if (!appConfig.acks) {
      // The app cannot ack: acceptance is as far as anyone will know. No deadline, no copies.
      return this.finish(notification, base, 'sent', channel, undefined, events, attempted, step);
    }
    const deadlineAt = Math.min(now + this.deadlineFor(notification, appConfig, base.deviceClass), notification.expiresAt);
    const record: DeliveryRecord = {
      ...base, status: 'sent', channel, attempted, step, version: base.version + 1, updatedAt: now,
      awaiting: { channel, step, sentAt: now, deadlineAt, providerMessageId },
      events: [...events, { at: now, type: 'state', status: 'sent' }],
    };
    // Deadline first: a crash between the two leaves a stale deadline (harmless), never a delivery
    // waiting forever without one.
    const member = deadlineMember({ notificationId: notification.id, deviceId: base.deviceId, step });
    await stores.deadlines.schedule(app, member, deadlineAt);
    if (!(await stores.notifications.putDelivery(app, notification.id, record))) {
      // Someone else wrote first (an ack that raced a re-run job): theirs stands.
      await stores.deadlines.cancel(app, member);
    }
  }

  /** Ack deadline of a step: the notification's own, else the device-type rule's, else the app's. */
  deadlineFor(notification: NotificationRecord, appConfig: AppConfig, cls: DeviceClass | undefined): number {
    if (notification.ackDeadlineMs) return notification.ackDeadlineMs;
    const rule = cls ? this.deps.ranker.effectiveRule(notification.app, cls) : undefined;
    if (rule?.deadlineMs) return rule.deadlineMs;
    if (notification.priority === 'high' && appConfig.defaults.highPriorityAckDeadlineMs) return appConfig.defaults.highPriorityAckDeadlineMs;
    return appConfig.defaults.ackDeadlineMs;
  }

  private async finish(
    notification: NotificationRecord, base: DeliveryRecord, status: DeliveryStatus, channel?: string, reason?: string,
    events: DeliveryRecord['events'] = base.events, attempted = base.attempted, step = base.step,
  ): Promise<void> {
    const now = this.now();
    const record: DeliveryRecord = {
      ...base, status, channel: channel ?? base.channel, attempted, step, awaiting: undefined,
      version: base.version + 1, updatedAt: now, events: [...events, { at: now, type: 'state', status, reason }],
    };
    if (await this.deps.stores.notifications.putDelivery(notification.app, notification.id, record)) {
      this.deps.metrics.deliveryFinished(notification.app, status);
    }
  }

  private async dropToken(app: string, device: DeviceRecord, channel: ProviderName, token: string, reason: string): Promise<void> {
    const removed = await this.deps.stores.devices.removeToken(app, device.id, channel, token);
    if (!removed) return; // already replaced by a newer registration
    this.deps.metrics.invalidToken(app, channel);
    this.deps.onInvalidToken?.({ app, deviceId: device.id, provider: channel, token, reason, at: this.now() });
  }
}

export function classOf(device: Pick<DeviceRecord, 'platform' | 'brand' | 'model'>): DeviceClass {
  return { platform: device.platform, brand: device.brand, model: device.model };
}
