/**
 * What the stores hold. Plain JSON-serialisable records: the Redis store keeps them as JSON strings.
 */
import type { Platform, Priority, ProviderName } from '../../providers/provider.js';

export type DeviceTokens = Partial<Record<ProviderName, string>>;

export interface DeviceRecord {
  id: string;
  platform: Platform;
  brand?: string;
  model?: string;
  osVersion?: string;
  userId?: string;
  phone?: string;
  tokens: DeviceTokens;
  /** APNs token issued by the sandbox environment. */
  sandbox?: boolean;
  /** Secret the device signs acks and connection tokens with. Never shown in logs. */
  key: string;
  createdAt: number;
  updatedAt: number;
}

export interface NotificationContent {
  title?: string;
  body?: string;
  data: Record<string, string>;
  priority: Priority;
  ttlSeconds: number;
  collapseKey?: string;
  ackDeadlineMs?: number;
  channels?: { allow?: string[]; deny?: string[] };
  sms?: { text: string };
}

export interface NotificationRecord extends NotificationContent {
  id: string;
  app: string;
  /** The resolved recipients, in order. */
  deviceIds: string[];
  createdAt: number;
  /** createdAt + ttl: never sent after this. */
  expiresAt: number;
  idempotencyKey?: string;
}

/**
 * A delivery's state; `queued` is implicit for recipients no worker has touched yet. `sent` means a
 * provider accepted it: for apps that ack, the delivery waits for the ack (or its deadline); for apps
 * that cannot ack, it is final.
 */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'expired';
/** Final whatever the app: nothing more will happen to the delivery (a late ack can still come). */
export const FINAL_STATUSES: ReadonlySet<DeliveryStatus> = new Set(['delivered', 'failed', 'expired']);
/** A job's work for a device is done once it reaches one of these (waiting for an ack included). */
export const SETTLED_STATUSES: ReadonlySet<DeliveryStatus> = new Set(['sent', 'delivered', 'failed', 'expired']);

/** One entry of a device's timeline. */
export interface TimelineEvent {
  at: number;
  /**
   * `attempt` a send to a channel; `skip` a channel passed over; `state` a status change; `ack` an
   * acknowledgement (device or provider receipt); `deadline` no ack in time, the plan moves on.
   */
  type: 'attempt' | 'skip' | 'state' | 'ack' | 'deadline';
  channel?: string;
  /** Classified outcome of an attempt (accepted, invalid-token, retry, rejected, auth-error). */
  outcome?: string;
  reason?: string;
  providerMessageId?: string;
  latencyMs?: number;
  status?: DeliveryStatus;
  /** For acks: who acknowledged (device, or a provider's receipt). */
  source?: string;
  /** For acks: it came after the plan had moved past the channel that carried it. */
  late?: boolean;
  /** For a step sent and awaiting its ack: how long it waits (the deadline in force). */
  deadlineMs?: number;
}

/** The step of a plan that is waiting for its ack. */
export interface AwaitingAck {
  channel: string;
  /** 1 for the first step, 2 after the first escalation, ... */
  step: number;
  sentAt: number;
  deadlineAt: number;
  providerMessageId?: string;
  /**
   * Its deadline passed while no gateway was looking (an outage) and was given again: an ack's
   * latency now says more about the outage than about the channel.
   */
  outage?: true;
}

export interface DeliveryRecord {
  deviceId: string;
  status: DeliveryStatus;
  /** The channel that carried (or last tried) the message. */
  channel?: string;
  /** Bumped by every write: writers name the version they read (compare-and-set). */
  version: number;
  /** Channels tried so far, in order (the next step skips them). */
  attempted: string[];
  /** Steps started so far. */
  step: number;
  awaiting?: AwaitingAck;
  /** platform/brand/model when the delivery started: what outcomes are learned for. */
  deviceClass?: { platform: string; brand?: string; model?: string };
  events: TimelineEvent[];
  updatedAt: number;
}

/** One unit of queued work: a notification fanned out to a slice of its recipients. */
export interface DeliveryJob {
  /** Queue-assigned id, used to ack. */
  id: string;
  app: string;
  notificationId: string;
  deviceIds: string[];
  /** How many times this job was handed out (1 on first delivery; more after a reclaim). */
  deliveries: number;
}
