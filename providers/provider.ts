/**
 * The one interface every delivery channel implements. The pipeline sees only this: it never knows a
 * provider's wire format, and a provider never knows about plans, deadlines or stores.
 */

/** Third-party channels, named as the device token keys in the public API. */
export const PROVIDER_NAMES = ['apns', 'fcm', 'jpush', 'hms', 'xiaomi', 'oppo', 'vivo', 'honor', 'webpush'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export type Platform = 'ios' | 'android' | 'web';
export type Priority = 'high' | 'normal';

/** What is delivered: the same for every device of one notification. */
export interface PushMessage {
  /** Travels inside every payload so the device can ack it and drop a second copy. */
  notificationId: string;
  appId: string;
  title?: string;
  body?: string;
  /** Custom key/values; providers that need a string map get exactly this. */
  data: Record<string, string>;
  priority: Priority;
  ttlSeconds: number;
  /** Absolute expiry (epoch ms): a provider must never deliver after it. */
  expiresAt: number;
  collapseKey?: string;
}

/** One device as a provider sees it: a token plus what a provider may need to address it. */
export interface PushTarget {
  deviceId: string;
  token: string;
  platform: Platform;
  brand?: string;
  model?: string;
  /** APNs only: the token was issued by the sandbox environment. */
  sandbox?: boolean;
}

/**
 * A classified answer for one target. `retry` is transient (the provider may give a delay);
 * `rejected` is a bad request that will never succeed; `auth-error` is our credentials or config.
 */
export type SendOutcome =
  | { kind: 'accepted'; providerMessageId?: string }
  | { kind: 'invalid-token'; reason: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'rejected'; reason: string }
  | { kind: 'auth-error'; reason: string };

export type SendOutcomeKind = SendOutcome['kind'];

export interface SendOptions {
  /** Aborts the call; the provider answers `retry` with reason `aborted`/`timeout`. */
  signal?: AbortSignal;
}

export interface Provider {
  readonly name: ProviderName;
  /** Largest encoded payload this channel carries (APNs 4096, FCM 4096, ...). */
  readonly maxPayloadBytes: number;
  /** How many targets one `send` may carry (APNs 1, JPush 1000, ...). */
  readonly maxBatchSize: number;
  /** Size in bytes of the payload this provider would put on the wire for the message. */
  payloadBytes(message: PushMessage): number;
  /**
   * Sends one message to up to `maxBatchSize` targets and answers one outcome per target, in order.
   * Never throws for provider or network failures: they come back classified.
   */
  send(message: PushMessage, targets: readonly PushTarget[], options?: SendOptions): Promise<SendOutcome[]>;
  /** False while the provider should be skipped (an open circuit, for example). */
  isAvailable?(): boolean;
  close(): Promise<void>;
}

/** Bytes of a JSON value as UTF-8, the unit every provider's size limit uses. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
