/**
 * Step 4 of a notification's life: an acknowledgement (from the device, or a provider's delivery
 * receipt) ends the delivery as delivered and teaches the scores which channel carried it. An ack
 * that comes after the plan moved on still counts, as a late success for the channel that carried
 * it; a second ack changes nothing.
 */
import type { Stores } from '../store/ports.js';
import type { DeliveryRecord, NotificationRecord } from '../store/records.js';
import { FINAL_STATUSES } from '../store/records.js';
import type { GatewayMetrics } from '../metrics/index.js';
import { deadlineMember } from './deadline-member.js';
import type { OutcomeSink } from './outcome-sink.js';

export interface AckInput {
  app: string;
  notificationId: string;
  deviceId: string;
  /** Who acknowledges: `device` (HTTP), `device-ws`, or a provider name for its receipts. */
  source: string;
  /** The channel that carried the message, when the ack knows it (receipts always do). */
  channel?: string;
  at?: number;
}

/** `delivered` on time; `late` after the plan had moved on; the rest change nothing. */
export type AckResult = 'delivered' | 'late' | 'duplicate' | 'unknown-notification' | 'not-sent' | 'unknown-channel';

/** Compare-and-set retries before an ack gives up (only under a storm of writers on one delivery). */
const MAX_CAS_TRIES = 5;

/** What an ack reads first: the notification and the device's delivery (one round trip). */
export type AckReads = Promise<[NotificationRecord | undefined, DeliveryRecord | undefined]>;

export class AckService {
  constructor(
    private readonly stores: Stores,
    private readonly metrics: GatewayMetrics,
    private readonly outcomes: OutcomeSink,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts an ack's reads. A caller that must first authenticate the device (the HTTP route) starts
   * them alongside its device read, so both share one round trip; the reads are only used once the
   * device checks out.
   */
  read(app: string, notificationId: string, deviceId: string): AckReads {
    return Promise.all([
      this.stores.notifications.get(app, notificationId),
      this.stores.notifications.getDelivery(app, notificationId, deviceId),
    ]);
  }

  async ack(input: AckInput, reads?: AckReads): Promise<AckResult> {
    const { app, notificationId, deviceId, source } = input;
    const at = input.at ?? this.now();
    const [notification, firstRead] = await (reads ?? this.read(app, notificationId, deviceId));
    if (!notification || !notification.deviceIds.includes(deviceId)) return this.ignored(app, source, 'unknown-notification');

    for (let i = 0; i < MAX_CAS_TRIES; i++) {
      const record = i === 0 ? firstRead : await this.stores.notifications.getDelivery(app, notificationId, deviceId);
      if (!record || record.step === 0) return this.ignored(app, source, 'not-sent');
      if (record.status === 'delivered') {
        this.metrics.ack(app, source, 'duplicate');
        return 'duplicate';
      }
      const awaiting = record.awaiting;
      const carried = input.channel ?? awaiting?.channel ?? record.channel ?? record.attempted.at(-1);
      if (!carried || !record.attempted.includes(carried)) return this.ignored(app, source, 'unknown-channel');

      // On time when the channel that carried it is the one awaited and its deadline is still pending;
      // the store decides that atomically with the write (an escalation may claim the deadline meanwhile).
      // An ack on an earlier channel is late, and still takes the awaited step's deadline out: the
      // delivery is over, that step need not escalate further.
      const awaited = awaiting?.channel === carried;
      const lateLatencyMs = Math.max(0, at - (acceptedAt(record, carried) ?? record.updatedAt));
      const late = delivered(record, carried, source, at, lateLatencyMs, false);
      const onTimeLatencyMs = awaiting && awaited ? Math.max(0, at - awaiting.sentAt) : lateLatencyMs;
      const written = await this.stores.notifications.ackDelivery(
        app, notificationId,
        { onTime: awaited ? delivered(record, carried, source, at, onTimeLatencyMs, true) : late, late },
        awaiting && { member: deadlineMember({ notificationId, deviceId, step: awaiting.step }), onTime: awaited },
      );
      if (written === 'conflict') continue;

      const onTime = written === 'on-time';
      this.metrics.ack(app, source, onTime ? 'on_time' : 'late');
      if (!FINAL_STATUSES.has(record.status)) this.metrics.deliveryFinished(app, 'delivered');
      this.metrics.acceptToAck(app, carried, Math.max(0, at - notification.createdAt) / 1000);
      // After an outage the wait measured the outage, not the channel: learn the delivery, not its latency.
      const latencyMs = onTime ? onTimeLatencyMs : lateLatencyMs;
      const outcome = onTime && awaiting?.outage === true ? { delivered: true } : { delivered: true, latencyMs };
      if (record.deviceClass) this.outcomes.record(app, record.deviceClass, carried, outcome);
      return onTime ? 'delivered' : 'late';
    }
    return this.ignored(app, source, 'not-sent');
  }

  private ignored<T extends AckResult>(app: string, source: string, result: T): T {
    this.metrics.ack(app, source, 'ignored');
    return result;
  }
}

/** The record an ack writes: delivered by `channel`, on time or late. */
function delivered(record: DeliveryRecord, channel: string, source: string, at: number, latencyMs: number, onTime: boolean): DeliveryRecord {
  return {
    ...record,
    status: 'delivered',
    channel,
    awaiting: undefined,
    version: record.version + 1,
    updatedAt: at,
    events: [
      ...record.events,
      { at, type: 'ack', channel, source, latencyMs, ...(onTime ? {} : { late: true }) },
      { at, type: 'state', status: 'delivered' },
    ],
  };
}

/** When the channel accepted the message (its last accepted attempt). */
function acceptedAt(record: DeliveryRecord, channel: string): number | undefined {
  for (let i = record.events.length - 1; i >= 0; i--) {
    const event = record.events[i];
    if (event?.type === 'attempt' && event.channel === channel && event.outcome === 'accepted') return event.at;
  }
  return undefined;
}
