import type { SendOutcome } from '../provider.js';
import { parseRetryAfterMs } from '../resilience/retry-after.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { SmsHttpClient } from './sms-http.js';
import { E164, type SmsMessage, type SmsSendOptions, type SmsSender } from './sms-sender.js';
import { classifyTwilioError } from './twilio-classify.js';

/** Query parameter of the StatusCallback URL that carries pushmux's notification id. */
export const TWILIO_NOTIFICATION_ID_PARAM = 'notificationId';

/** Validated Twilio settings. */
export interface TwilioSettings {
  accountSid: string;
  /** Basic-auth user: the Account SID, or an API key SID. */
  username: string;
  /** Secret: the auth token or API key secret; only ever in the Authorization header. */
  password: string;
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  /** Where Twilio posts status callbacks; the notification id is added as a query parameter. */
  statusCallback?: URL | undefined;
  /** `ValidityPeriod`, seconds (1–36,000). */
  validityPeriodSeconds?: number | undefined;
  endpoint: URL;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/**
 * Twilio Messages API sender: `POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded, HTTP Basic
 * auth. `201 {sid}` is accepted with the SM sid as provider message id. The notification id rides in the
 * StatusCallback URL (`?notificationId=`), so status callbacks name it; Twilio signs that full URL.
 */
export class TwilioSender implements SmsSender {
  readonly name = 'twilio' as const;
  private readonly settings: TwilioSettings;
  private readonly client: SmsHttpClient;
  private readonly authorization: string;
  private readonly path: string;

  constructor(settings: TwilioSettings) {
    this.settings = settings;
    this.client = new SmsHttpClient(settings.endpoint, { provider: 'twilio', timeoutMs: settings.timeoutMs, connections: settings.connections, ca: settings.ca });
    this.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
    this.path = `${settings.endpoint.pathname.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  }

  async send(message: SmsMessage, options?: SmsSendOptions): Promise<SendOutcome> {
    if (!E164.test(message.to)) return { kind: 'invalid-token', reason: 'not-e164' };
    const form = new URLSearchParams({ To: message.to, Body: message.text });
    if (this.settings.messagingServiceSid !== undefined) form.set('MessagingServiceSid', this.settings.messagingServiceSid);
    else if (this.settings.from !== undefined) form.set('From', this.settings.from);
    if (this.settings.statusCallback !== undefined) {
      const callback = new URL(this.settings.statusCallback.href);
      callback.searchParams.set(TWILIO_NOTIFICATION_ID_PARAM, message.notificationId);
      form.set('StatusCallback', callback.href);
    }
    if (this.settings.validityPeriodSeconds !== undefined) form.set('ValidityPeriod', String(this.settings.validityPeriodSeconds));
    try {
      const answer = await this.client.post(this.path, { authorization: this.authorization, 'content-type': 'application/x-www-form-urlencoded' }, form.toString(), options?.signal);
      const json = answer.json as { sid?: unknown; code?: unknown } | undefined;
      if ((answer.statusCode === 201 || answer.statusCode === 200) && typeof json?.sid === 'string') {
        return { kind: 'accepted', providerMessageId: json.sid };
      }
      const code = typeof json?.code === 'number' ? json.code : undefined;
      return classifyTwilioError(answer.statusCode, code, parseRetryAfterMs(answer.headers['retry-after']));
    } catch (error) {
      return classifyTransportError(error);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
