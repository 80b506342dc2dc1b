/**
 * Step 4 of a notification's life: an acknowledgement (from the device, or a provider's delivery
 * receipt) ends the delivery as delivered and teaches the scores which channel carried it. An ack
 * that comes after the plan moved on still counts, as a late success for the channel that carried
 * it; a second ack changes nothing.
 */
import type { Stores } from '../store/ports.js';
import type { DeliveryRecord } from '../store/records.js';
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

export class AckService {
  constructor(
    private readonly stores: Stores,
    private readonly metrics: GatewayMetrics,
    private readonly outcomes: OutcomeSink,
    private readonly now: () => number = Date.now,
  ) {}

  async ack(input: AckInput): Promise<AckResult> {
    const { app, notificationId, deviceId, source } = input;
    const at = input.at ?? this.now();
    // Both reads at once (one round trip): the delivery read is only used once the notification checks out.
    const [notification, firstRead] = await Promise.all([
      this.stores.notifications.get(app, notificationId),
      this.stores.notifications.getDelivery(app, notificationId, deviceId),
    ]);
    if (!notification || !notification.deviceIds.includes(deviceId)) return this.ignored(app, source, 'unknown-notification');

    // Set once this ack has cancelled the awaited step's deadline: it owns the on-time transition.
    let cancelledStep: number | undefined;
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

      let onTime = false;
      if (awaiting && awaiting.channel === carried) {
        onTime = cancelledStep === awaiting.step || (await this.stores.deadlines.cancel(app, deadlineMember({ notificationId, deviceId, step: awaiting.step })));
        if (onTime) cancelledStep = awaiting.step;
      } else if (awaiting) {
        // An earlier channel delivered after all: the step now waiting need not escalate further.
        await this.stores.deadlines.cancel(app, deadlineMember({ notificationId, deviceId, step: awaiting.step }));
      }
      const sentAt = onTime && awaiting ? awaiting.sentAt : acceptedAt(record, carried) ?? record.updatedAt;
      const latencyMs = Math.max(0, at - sentAt);
      const next: DeliveryRecord = {
        ...record,
        status: 'delivered',
        channel: carried,
        awaiting: undefined,
        version: record.version + 1,
        updatedAt: at,
        events: [
          ...record.events,
          { at, type: 'ack', channel: carried, source, latencyMs, ...(onTime ? {} : { late: true }) },
          { at, type: 'state', status: 'delivered' },
        ],
      };
      if (!(await this.stores.notifications.putDelivery(app, notificationId, next))) continue;

      this.metrics.ack(app, source, onTime ? 'on_time' : 'late');
      if (!FINAL_STATUSES.has(record.status)) this.metrics.deliveryFinished(app, 'delivered');
      this.metrics.acceptToAck(app, carried, Math.max(0, at - notification.createdAt) / 1000);
      // After an outage the wait measured the outage, not the channel: learn the delivery, not its latency.
      const outage = onTime && awaiting?.outage === true;
      if (record.deviceClass) this.outcomes.record(app, record.deviceClass, carried, outage ? { delivered: true } : { delivered: true, latencyMs });
      return onTime ? 'delivered' : 'late';
    }
    return this.ignored(app, source, 'not-sent');
  }

  private ignored<T extends AckResult>(app: string, source: string, result: T): T {
    this.metrics.ack(app, source, 'ignored');
    return result;
  }
}

/** When the channel accepted the message (its last accepted attempt). */
function acceptedAt(record: DeliveryRecord, channel: string): number | undefined {
  for (let i = record.events.length - 1; i >= 0; i--) {
    const event = record.events[i];
    if (event?.type === 'attempt' && event.channel === channel && event.outcome === 'accepted') return event.at;
  }
  return undefined;
}
