/**
 * One delivery's state machine: send the plan's next step, wait for its ack (a deadline in storage),
 * move on when the deadline passes, end as delivered, failed or expired. Every change is a
 * compare-and-set on the delivery record, so an ack and an escalation never both win.
 *
 * Plan per device: the ranked providers (skipping channels already tried), then the long connection,
 * then SMS; when the notification asks for SMS, those two go ahead of the providers the scores expect
 * to do worse than a text (planner.ts `ownStepsIndex`). The device-type rule decides whether the long
 * connection and SMS are in the plan at all (planner.ts `admitOwnChannels`). Each step waits
 * `deadlineFor()` for its ack.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ProviderName, PushMessage, PushTarget, SendOutcome } from '../../providers/provider.js';
import type { AppConfig, GatewayConfig } from '../config/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { Stores } from '../store/ports.js';
import type { AwaitingAck, DeliveryRecord, DeliveryStatus, DeviceRecord, NotificationRecord } from '../store/records.js';
import { deadlineMember } from './deadline-member.js';
import { LONG_CONNECTION_CHANNEL, type LongConnectionChannel } from './long-connection.js';
import type { OutcomeSink } from './outcome-sink.js';
import { SMS_CHANNEL, type SmsChannels } from './sms-channel.js';
import { admitOwnChannels, buildPlan, ownStepsIndex, toPushMessage, type PlanStep } from './planner.js';
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

/** A send a channel accepted: what receipts will later refer to. */
export interface AcceptedSend {
  app: string;
  notificationId: string;
  deviceId: string;
  channel: string;
  providerMessageId?: string;
  token?: string;
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
  /** pushmux's own channel (src/connect/), the step after the providers when an app enables it. */
  longConnection?: LongConnectionChannel;
  /** SMS, for notifications that ask for it: the last step, or ahead of providers expected to do worse. */
  sms?: SmsChannels;
  /** Told of every send a provider accepted (the JPush receipt poller tracks them). */
  onAccepted?: (event: AcceptedSend) => void;
  onInvalidToken?: (event: InvalidTokenEvent) => void;
  now?: () => number;
}

/** The own channels a plan may add, as constant lists (no array built per delivery). */
const BOTH_OWN: readonly string[] = [LONG_CONNECTION_CHANNEL, SMS_CHANNEL];
const LONG_CONNECTION_ONLY: readonly string[] = [LONG_CONNECTION_CHANNEL];
const SMS_ONLY: readonly string[] = [SMS_CHANNEL];
const NO_OWN: readonly string[] = [];

/** How soon a deadline that fell during its own send is looked at again. */
const SLOW_SEND_RECHECK_MS = 1_000;

/** Thrown when shutdown interrupts a step: the job stays un-acked and is reclaimed. */
export class DeliveryInterrupted extends Error {}

/** A step on one of pushmux's own channels (long connection, SMS): a channel and how to send on it. */
interface ChannelStep {
  channel: string;
  /** The device's address on the channel (a phone number), for receipts. */
  token?: string;
  provider?: undefined;
  send(signal: AbortSignal): Promise<SendOutcome>;
}

/**
 * One step of a plan as the runner runs it. Provider steps are the plan's own entries, sent by the
 * runner itself: no closures built per step on the path every push takes.
 */
type RunStep = PlanStep | ChannelStep;

export class DeliveryRunner {
  private readonly now: () => number;
  /** Every provider send carries the shutdown signal: one options object for all of them. */
  private readonly sendOptions: { signal: AbortSignal };

  constructor(private readonly deps: DeliveryRunnerDeps) {
    this.now = deps.now ?? Date.now;
    this.sendOptions = { signal: deps.stopSignal };
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
    const inFlight = record.status === 'sending' ? record.awaiting : undefined;
    if (inFlight) {
      // The worker that started this step died before knowing whether the provider took it: send it
      // again (at-least-once) rather than count the channel as tried.
      await this.deps.stores.deadlines.cancel(notification.app, deadlineMember({ notificationId: notification.id, deviceId, step: inFlight.step }));
      await this.advance(notification, device, { ...record, attempted: record.attempted.filter((c) => c !== inFlight.channel) });
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
    const now = this.now();
    if (record?.status === 'sending' && awaiting?.step === step) {
      // The provider has not answered yet (a send slower than the deadline): look again shortly. If
      // its sender died instead, the re-run job cancels this deadline and sends the step again.
      await stores.deadlines.schedule(app, deadlineMember({ notificationId: notification.id, deviceId, step }), now + SLOW_SEND_RECHECK_MS);
      return;
    }
    if (!record || record.status !== 'sent' || !awaiting || awaiting.step !== step) return;
    if (await this.deferAfterOutage(notification, record, awaiting, now)) return;
    metrics.deadlineExpired(app, awaiting.channel);
    if (record.deviceClass) outcomes.record(app, record.deviceClass, awaiting.channel, { delivered: false });
    const events = [...record.events, { at: now, type: 'deadline' as const, channel: awaiting.channel, reason: `no ack within ${awaiting.deadlineAt - awaiting.sentAt} ms` }];
    if (now >= notification.expiresAt) {
      await this.finish(notification, record, 'expired', awaiting.channel, 'ttl passed while waiting for an ack', events);
      return;
    }
    const device = await stores.devices.get(app, deviceId);
    if (!device) {
      await this.finish(notification, record, 'failed', awaiting.channel, 'device no longer registered', events);
      return;
    }
    await this.advance(notification, device, { ...record, events }, awaiting.channel);
  }

  /**
   * A deadline first seen long after it fell due (later than any live instance would have claimed it)
   * passed while no gateway was running: the device may well have the message and be retrying its ack
   * against a gateway that was down. Escalating at once would text and re-send to every such device and
   * score failures the channels did not earn, so the step waits once more (never past the TTL).
   * Answers whether it did.
   */
  private async deferAfterOutage(notification: NotificationRecord, record: DeliveryRecord, awaiting: AwaitingAck, now: number): Promise<boolean> {
    const { outageGraceMs, deadlineLeaseMs } = this.deps.config.pipeline;
    const missedByMs = now - awaiting.deadlineAt;
    if (outageGraceMs === 0 || missedByMs <= deadlineLeaseMs || now >= notification.expiresAt) return false;
    const deadlineAt = Math.min(now + outageGraceMs, notification.expiresAt);
    const next: DeliveryRecord = {
      ...record,
      awaiting: { ...awaiting, deadlineAt, outage: true },
      version: record.version + 1,
      updatedAt: now,
      events: [...record.events, {
        at: now, type: 'state', status: 'sent', channel: awaiting.channel, deadlineMs: deadlineAt - now,
        reason: `ack deadline passed ${missedByMs} ms before a gateway could look; waiting again`,
      }],
    };
    const member = deadlineMember({ notificationId: notification.id, deviceId: record.deviceId, step: awaiting.step });
    // Lost compare-and-set: an ack ended the step meanwhile, and nothing is left to defer.
    if (await this.deps.stores.notifications.putDelivery(notification.app, notification.id, next, { member, dueAt: deadlineAt })) {
      this.deps.metrics.deadlineDeferred(notification.app, awaiting.channel);
    }
    return true;
  }

  /**
   * Sends the next steps until one is accepted (then waits for its ack) or the plan runs out. `from` is
   * the record as stored (its version is what the next write compares against), possibly with new
   * events not yet written.
   *
   * Each step is written as an intent (status `sending`, the awaited channel and its deadline) before
   * the provider is called: an ack that comes back faster than the provider's answer finds the step
   * it belongs to.
   */
  private async advance(notification: NotificationRecord, device: DeviceRecord, from: DeliveryRecord, escalatedFrom?: string): Promise<void> {
    const { registry, ranker, metrics, config, stores } = this.deps;
    const app = notification.app;
    const appConfig = config.apps[app] as AppConfig;
    let current = from;
    const events = [...from.events];
    const attempted = [...from.attempted];
    let step = from.step;

    const message = toPushMessage(notification);
    const plan = buildPlan(registry.forApp(app), ranker, notification, message, device, attempted);
    const skipEvents = step === 0 ? events : undefined;
    if (skipEvents) for (const skip of plan.skipped) skipEvents.push({ at: this.now(), type: 'skip', channel: skip.channel, reason: skip.reason });
    let longConnection = this.longConnectionStep(notification, appConfig, device, attempted, skipEvents);
    let sms = this.smsStep(notification, device, attempted, skipEvents);
    // The device-type rule on the own channels: only a rule naming them moves them (a deny leaves one
    // out; a pin on one, tried now or before, leaves the providers out).
    const candidates = longConnection && sms ? BOTH_OWN : longConnection ? LONG_CONNECTION_ONLY : sms ? SMS_ONLY : NO_OWN;
    const ruled = admitOwnChannels(ranker, app, device, plan, candidates, attempted);
    if (ruled.channels !== candidates) {
      if (!ruled.channels.includes(LONG_CONNECTION_CHANNEL)) longConnection = undefined;
      if (!ruled.channels.includes(SMS_CHANNEL)) sms = undefined;
    }
    if (skipEvents) for (const skip of ruled.skipped) skipEvents.push({ at: this.now(), type: 'skip', channel: skip.channel, reason: skip.reason });
    const steps: RunStep[] = plan.steps;
    if (longConnection || sms) {
      // The long connection then SMS: after every provider, or where the scores place the text.
      const own: ChannelStep[] = longConnection && sms ? [longConnection, sms] : [(longConnection ?? sms) as ChannelStep];
      steps.splice(ownStepsIndex(ranker, app, device, plan.steps, sms?.channel), 0, ...own);
    }

    for (const planned of steps) {
      if (this.now() >= notification.expiresAt) {
        return this.finish(notification, current, 'expired', planned.channel, 'ttl passed before sending', events, attempted, step);
      }
      attempted.push(planned.channel);
      step += 1;
      if (escalatedFrom) metrics.escalation(app, escalatedFrom, planned.channel);
      escalatedFrom = planned.channel;

      const now = this.now();
      const deadlineMs = this.deadlineFor(notification, appConfig, from.deviceClass);
      const awaiting = appConfig.acks
        ? { channel: planned.channel, step, sentAt: now, deadlineAt: Math.min(now + deadlineMs, notification.expiresAt) }
        : undefined;
      const member = deadlineMember({ notificationId: notification.id, deviceId: device.id, step });
      const intent = nextRecord(current, {
        status: 'sending', channel: planned.channel, attempted: [...attempted], step, awaiting, events: [...events], updatedAt: now,
      });
      // The step's deadline is scheduled by the same atomic write as its intent (one round trip): a
      // crash never leaves a step waiting without a deadline, and a lost write schedules none.
      if (!(await stores.notifications.putDelivery(app, notification.id, intent, awaiting && { member, dueAt: awaiting.deadlineAt }))) {
        // Another writer owns the delivery now (an ack): leave it to them.
        return;
      }
      current = intent;

      const result = await this.sendStep(planned, events, message, device);
      if (result.kind === 'accepted') {
        this.deps.onAccepted?.({ app, notificationId: notification.id, deviceId: device.id, channel: planned.channel, providerMessageId: result.providerMessageId, token: planned.token });
        if (!awaiting) {
          // The app cannot ack: acceptance is as far as anyone will know. No deadline, no copies.
          return this.finish(notification, current, 'sent', planned.channel, undefined, events, attempted, step);
        }
        const at = this.now();
        const sent = nextRecord(current, {
          status: 'sent', channel: current.channel, attempted: current.attempted, step: current.step, updatedAt: at,
          awaiting: { ...awaiting, sentAt: at, providerMessageId: result.providerMessageId },
          events: [...events, { at, type: 'state', status: 'sent', deadlineMs }],
        });
        // Losing this write means an ack already ended the delivery (and cancelled the deadline).
        await stores.notifications.putDelivery(app, notification.id, sent);
        return;
      }
      // The step is over without the provider taking the message: its deadline must not fire.
      if (awaiting) await stores.deadlines.cancel(app, member);
      if (result.kind === 'invalid-token' && planned.provider) await this.dropToken(app, device, planned.channel, planned.token, result.reason);
    }

    if (escalatedFrom) metrics.escalation(app, escalatedFrom, 'exhausted');
    const reason = attempted.length === 0 ? 'no eligible channel' : 'every channel failed or went unacknowledged';
    return this.finish(notification, current, 'failed', attempted.at(-1), reason, events, attempted, step);
  }

  /** A provider step: one resilient send (retries, circuit and attempt metrics live in that layer). */
  private async sendProvider(planned: PlanStep, message: PushMessage, device: DeviceRecord): Promise<SendOutcome> {
    const target: PushTarget = { deviceId: device.id, token: planned.token, platform: device.platform, brand: device.brand, model: device.model, sandbox: device.sandbox };
    // The plan's message, not a new one: adapters cache what they derive from it (payload, size).
    const [outcome] = await planned.provider.send(message, [target], this.sendOptions);
    return outcome ?? { kind: 'retry', reason: 'provider returned no outcome' };
  }

  /**
   * pushmux's own channel, after the providers: online devices get the message on their socket,
   * offline ones find it in their inbox; either way the step waits for the ack.
   */
  private longConnectionStep(notification: NotificationRecord, appConfig: AppConfig, device: DeviceRecord, attempted: readonly string[], skipEvents?: DeliveryRecord['events']): ChannelStep | undefined {
    if (!appConfig.longConnection.enabled || attempted.includes(LONG_CONNECTION_CHANNEL)) return undefined;
    if (notification.channels?.allow && !notification.channels.allow.includes(LONG_CONNECTION_CHANNEL)) return undefined;
    if (notification.channels?.deny?.includes(LONG_CONNECTION_CHANNEL)) return undefined;
    const channel = this.deps.longConnection;
    if (!channel) {
      skipEvents?.push({ at: this.now(), type: 'skip', channel: LONG_CONNECTION_CHANNEL, reason: 'long connection not running on this gateway' });
      return undefined;
    }
    return {
      channel: LONG_CONNECTION_CHANNEL,
      send: async () => {
        try {
          const how = await channel.deliver(notification.app, device.id, toPushMessage(notification));
          return { kind: 'accepted', providerMessageId: how };
        } catch (error) {
          return { kind: 'retry', reason: `long connection: ${(error as Error).message}` };
        }
      },
    };
  }

  /** SMS for notifications that ask for it, to devices with a phone number, where the app has a sender. */
  private smsStep(notification: NotificationRecord, device: DeviceRecord, attempted: readonly string[], skipEvents?: DeliveryRecord['events']): ChannelStep | undefined {
    const { sms } = this.deps;
    const text = notification.sms?.text;
    if (!text || attempted.includes(SMS_CHANNEL)) return undefined;
    const skip = (reason: string) => {
      skipEvents?.push({ at: this.now(), type: 'skip', channel: SMS_CHANNEL, reason });
      return undefined;
    };
    if (!device.phone) return skip('device has no phone number');
    if (notification.channels?.allow && !notification.channels.allow.includes(SMS_CHANNEL)) return skip('not in channels.allow');
    if (notification.channels?.deny?.includes(SMS_CHANNEL)) return skip('in channels.deny');
    if (!sms?.has(notification.app)) return skip('no SMS sender configured');
    const phone = device.phone;
    return {
      channel: SMS_CHANNEL,
      token: phone,
      // Attempts (retries included), latency and circuit state reach the metrics from the sender's hooks.
      send: (signal) => sms.send(notification.app, device.id, { notificationId: notification.id, to: phone, text }, signal),
    };
  }

  /** Runs one step and appends its attempt to `events`. */
  private async sendStep(step: RunStep, events: DeliveryRecord['events'], message: PushMessage, device: DeviceRecord): Promise<SendOutcome> {
    const { stopSignal } = this.deps;
    if (stopSignal.aborted) throw new DeliveryInterrupted('stopping');
    const started = performance.now();
    const result = step.provider ? await this.sendProvider(step, message, device) : await step.send(stopSignal);
    if (result.kind === 'retry' && result.reason === 'aborted' && stopSignal.aborted) throw new DeliveryInterrupted('stopping');
    events.push({
      at: this.now(), type: 'attempt', channel: step.channel, outcome: result.kind,
      reason: 'reason' in result ? result.reason : undefined,
      providerMessageId: result.kind === 'accepted' ? result.providerMessageId : undefined,
      latencyMs: Math.round(performance.now() - started),
    });
    return result;
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
    const record = nextRecord(base, {
      status, channel: channel ?? base.channel, attempted, step, awaiting: undefined, updatedAt: now, events: [...events, { at: now, type: 'state', status, reason }],
    });
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

/**
 * The next version of `base` with `changes`, written out field by field in one order: every record the
 * runner writes then has one shape, where object spread over records of varying shapes (new, read
 * back, frozen) was the runner's hottest line. `satisfies` makes a new DeliveryRecord field a compile
 * error here rather than a field silently dropped.
 */
function nextRecord(base: DeliveryRecord, changes: Omit<DeliveryRecord, 'deviceId' | 'deviceClass' | 'version'>): DeliveryRecord {
  return {
    deviceId: base.deviceId,
    status: changes.status,
    channel: changes.channel,
    version: base.version + 1,
    attempted: changes.attempted,
    step: changes.step,
    awaiting: changes.awaiting,
    deviceClass: base.deviceClass,
    events: changes.events,
    updatedAt: changes.updatedAt,
  } satisfies Record<keyof DeliveryRecord, unknown>;
}

export function classOf(device: Pick<DeviceRecord, 'platform' | 'brand' | 'model'>): DeviceClass {
  return { platform: device.platform, brand: device.brand, model: device.model };
}
