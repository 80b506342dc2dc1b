/**
 * What every provider's delivery receipt is normalised to. The pipeline turns `delivered` into an ack
 * (source: the provider), `invalid-token` into a registry clean-up, and keeps the rest for the timeline.
 */
export type ReceiptStatus = 'delivered' | 'invalid-token' | 'failed' | 'clicked' | 'other';

export interface ReceiptEvent {
  /** `hms`, `xiaomi`, `vivo`, `oppo`, `twilio`. */
  provider: string;
  /** The provider's id of the message (Xiaomi msgId, vivo taskId, OPPO messageId, Twilio MessageSid, Huawei requestId). */
  providerMessageId?: string;
  /** The device token the receipt is about (push providers). */
  token?: string;
  /** The phone number the receipt is about (SMS). */
  phone?: string;
  /** pushmux's notification id, when the callback parameters carry it (set by the adapters). */
  notificationId?: string;
  status: ReceiptStatus;
  /** When the provider says it happened (epoch ms). */
  at?: number;
  /** The provider's own record, for the timeline and debugging. */
  raw?: unknown;
}

/** What the receipt route hands a parser: the request as received. */
export interface ReceiptInput {
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received (signatures cover bytes, not a re-serialisation). */
  rawBody: string;
  /** The full URL the provider called, scheme, host and query included (Twilio signs it). */
  url: string;
}

/** A header's first value, whatever the case of its name. */
export function headerValue(headers: ReceiptInput['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
