import type { SendOutcome } from '../provider.js';

/** One SMS, as the pipeline hands it to a sender. */
export interface SmsMessage {
  notificationId: string;
  /** E.164, e.g. +8613800138000. */
  to: string;
  text: string;
}

export interface SmsSendOptions {
  signal?: AbortSignal;
}

/**
 * An SMS gateway. Like a push provider it never throws for provider or network failures: an invalid
 * number is `invalid-token`, throttling `retry` (with the provider's delay when it gives one), refused
 * credentials or account problems `auth-error`, anything else the provider will never take `rejected`.
 * Accepted answers carry the provider's message id, which its delivery receipts name.
 */
export interface SmsSender {
  readonly name: 'twilio' | 'aliyun' | 'webhook';
  send(message: SmsMessage, options?: SmsSendOptions): Promise<SendOutcome>;
  close(): Promise<void>;
}

/** E.164: a plus, a non-zero digit, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
