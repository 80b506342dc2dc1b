import { createHmac } from 'node:crypto';
import { safeEqual } from './callback-secret.js';
import { ReceiptFormatError, ReceiptSignatureError } from './receipt-errors.js';
import { headerValue, type ReceiptEvent, type ReceiptInput, type ReceiptStatus } from './receipt-event.js';

/** What verifies a Twilio status callback: the auth token of the account that sent the message. */
export interface TwilioReceiptSecrets {
  authToken: string;
}

/** Error codes of undelivered messages that mean the number itself is dead (unknown handset, landline). */
const DEAD_NUMBER_ERRORS: ReadonlySet<string> = new Set(['30005', '30006']);

/**
 * Twilio's request signature: Base64(HMAC-SHA1(authToken, url + each POST parameter's name and value,
 * sorted by name)).
 */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const pairs = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + pairs.map(([key, value]) => key + value).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** The URL as given, plus its twin with the default port added or removed (proxies differ; twilio-node tries both). */
function urlVariants(url: string): string[] {
  const explicit = /^(https?):\/\/([^/:]+):(443|80)(\/.*)?$/.exec(url);
  if (explicit) return [url, `${explicit[1]}://${explicit[2]}${explicit[4] ?? ''}`];
  const bare = /^(https?):\/\/([^/:]+)(\/.*)?$/.exec(url);
  if (bare) return [url, `${bare[1]}://${bare[2]}:${bare[1] === 'https' ? '443' : '80'}${bare[3] ?? ''}`];
  return [url];
}

function statusOf(messageStatus: string | null, errorCode: string | null): ReceiptStatus {
  switch (messageStatus) {
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
    case 'failed':
      return errorCode !== null && DEAD_NUMBER_ERRORS.has(errorCode) ? 'invalid-token' : 'failed';
    default:
      return 'other';
  }
}

/**
 * Verifies `X-Twilio-Signature` over the full callback URL and the form parameters, then reads the
 * status callback: `MessageSid`, `MessageStatus` (delivered/read → delivered; undelivered/failed →
 * failed, or invalid-token for 30005 unknown handset and 30006 landline; queued/sent/... → other),
 * `To` → phone, and the `notificationId` query parameter the sender put on the StatusCallback URL.
 */
export function parseTwilioReceipt(input: ReceiptInput, secrets: TwilioReceiptSecrets): ReceiptEvent[] {
  const signature = headerValue(input.headers, 'x-twilio-signature');
  if (signature === undefined || signature === '') throw new ReceiptSignatureError('twilio', 'missing', 'no X-Twilio-Signature header');
  const params = new URLSearchParams(input.rawBody);
  const valid = urlVariants(input.url).some((url) => safeEqual(twilioSignature(secrets.authToken, url, params), signature));
  if (!valid) throw new ReceiptSignatureError('twilio', 'mismatch', 'X-Twilio-Signature does not match');
  const sid = params.get('MessageSid') ?? params.get('SmsSid');
  if (sid === null) throw new ReceiptFormatError('twilio', 'no MessageSid');
  const event: ReceiptEvent = {
    provider: 'twilio',
    providerMessageId: sid,
    status: statusOf(params.get('MessageStatus') ?? params.get('SmsStatus'), params.get('ErrorCode')),
    raw: Object.fromEntries(params),
  };
  const to = params.get('To');
  if (to !== null) event.phone = to;
  let notificationId: string | null = null;
  try {
    notificationId = new URL(input.url).searchParams.get('notificationId');
  } catch {
    notificationId = null;
  }
  if (notificationId !== null && notificationId !== '') event.notificationId = notificationId;
  return [event];
}
