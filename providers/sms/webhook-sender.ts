import type { SendOutcome } from '../provider.js';
import { parseRetryAfterMs } from '../resilience/retry-after.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { SmsHttpClient } from './sms-http.js';
import { E164, type SmsMessage, type SmsSendOptions, type SmsSender } from './sms-sender.js';

/** Validated webhook settings. */
export interface WebhookSettings {
  url: URL;
  /** Secret: only ever in `secretHeader`. */
  secret: string;
  secretHeader: string;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/**
 * Maps the webhook's answer to an outcome. The contract for the receiving service: 2xx accepted
 * (`{"id"}` optional, used as provider message id); 422 or 404/410 the number is invalid; 429 and 503
 * throttled (Retry-After honoured); 401/403 the secret was refused; other 5xx retry; other 4xx rejected.
 */
export function classifyWebhookAnswer(statusCode: number, retryAfterMs?: number): SendOutcome {
  const reason = `http-${statusCode}`;
  if (statusCode === 422 || statusCode === 404 || statusCode === 410) return { kind: 'invalid-token', reason };
  if (statusCode === 429 || statusCode >= 500) return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  if (statusCode === 401 || statusCode === 403) return { kind: 'auth-error', reason };
  return { kind: 'rejected', reason };
}

/**
 * Generic HTTP sender for any SMS gateway behind a small service of your own: `POST <url>` with JSON
 * `{notificationId, to, text}` and the shared secret in a header (default `X-Pushmux-Secret`).
 */
export class WebhookSender implements SmsSender {
  readonly name = 'webhook' as const;
  private readonly settings: WebhookSettings;
  private readonly client: SmsHttpClient;
  private readonly path: string;

  constructor(settings: WebhookSettings) {
    this.settings = settings;
    this.client = new SmsHttpClient(settings.url, { provider: 'sms-webhook', timeoutMs: settings.timeoutMs, connections: settings.connections, ca: settings.ca });
    this.path = `${settings.url.pathname}${settings.url.search}`;
  }

  async send(message: SmsMessage, options?: SmsSendOptions): Promise<SendOutcome> {
    if (!E164.test(message.to)) return { kind: 'invalid-token', reason: 'not-e164' };
    const body = JSON.stringify({ notificationId: message.notificationId, to: message.to, text: message.text });
    try {
      const answer = await this.client.post(this.path, { 'content-type': 'application/json', [this.settings.secretHeader]: this.settings.secret }, body, options?.signal);
      if (answer.statusCode >= 200 && answer.statusCode < 300) {
        const id = (answer.json as { id?: unknown } | undefined)?.id;
        return typeof id === 'string' || typeof id === 'number' ? { kind: 'accepted', providerMessageId: String(id) } : { kind: 'accepted' };
      }
      return classifyWebhookAnswer(answer.statusCode, parseRetryAfterMs(answer.headers['retry-after']));
    } catch (error) {
      return classifyTransportError(error);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
