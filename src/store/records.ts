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

/** A delivery's state; `queued` is implicit for recipients no worker has touched yet. */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'expired';
export const TERMINAL_STATUSES: ReadonlySet<DeliveryStatus> = new Set(['sent', 'delivered', 'failed', 'expired']);

/** One entry of a device's timeline. */
export interface TimelineEvent {
  at: number;
  /** `attempt` a send to a channel; `skip` a channel passed over; `state` a status change. */
  type: 'attempt' | 'skip' | 'state';
  channel?: string;
  /** Classified outcome of an attempt (accepted, invalid-token, retry, rejected, auth-error). */
  outcome?: string;
  reason?: string;
  providerMessageId?: string;
  latencyMs?: number;
  status?: DeliveryStatus;
}

export interface DeliveryRecord {
  deviceId: string;
  status: DeliveryStatus;
  /** The channel that carried (or last tried) the message. */
  channel?: string;
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
