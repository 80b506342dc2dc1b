import { ConfigError } from '../../src/errors/index.js';
import { OptionReader } from '../resilience/option-reader.js';
import type { ResilienceHooks } from '../resilience/resilient-provider.js';
import { AliyunSender } from './aliyun-sender.js';
import { ResilientSmsSender, type SmsResilienceOptions } from './resilient-sms-sender.js';
import type { SmsSender } from './sms-sender.js';
import { TwilioSender } from './twilio-sender.js';
import { WebhookSender } from './webhook-sender.js';

const SENDERS = ['twilio', 'aliyun', 'webhook'] as const;

function block(options: Record<string, unknown>, name: string, basePath: string): Record<string, unknown> {
  const value = options[name];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${basePath}.${name}`, 'must be a mapping of options', `write ${name}: followed by its indented options`);
  }
  return value as Record<string, unknown>;
}

function createTwilio(reader: OptionReader): TwilioSender {
  const accountSid = reader.requiredString('accountSid', 'copy the Account SID (AC + 32 hex) from the Twilio console', /^AC[0-9a-fA-F]{32}$/);
  const apiKeySid = reader.optionalString('apiKeySid', /^SK[0-9a-fA-F]{32}$/, 'copy the API key SID (SK + 32 hex)');
  let username = accountSid;
  let password: string;
  if (apiKeySid !== undefined) {
    username = apiKeySid;
    password = reader.requiredString('apiKeySecret', 'set the secret of the API key');
  } else {
    password = reader.requiredString('authToken', 'copy the Auth Token from the Twilio console (or set apiKeySid and apiKeySecret)');
  }
  const from = reader.optionalString('from', /^(\+[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, 'use an E.164 number or an alphanumeric sender id');
  const messagingServiceSid = reader.optionalString('messagingServiceSid', /^MG[0-9a-fA-F]{32}$/, 'copy the Messaging Service SID (MG + 32 hex)');
  if (from === undefined && messagingServiceSid === undefined) {
    reader.fail('from', 'is required unless messagingServiceSid is set', 'set from to your Twilio number, or messagingServiceSid');
  }
  return new TwilioSender({
    accountSid,
    username,
    password,
    from,
    messagingServiceSid,
    statusCallback: reader.optionalUrl('statusCallback'),
    validityPeriodSeconds: reader.optionalInteger('validityPeriodSeconds', 1, 36_000),
    endpoint: reader.optionalUrl('endpoint') ?? new URL('https://api.twilio.com'),
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 256) ?? 4,
  });
}

function createAliyun(reader: OptionReader): AliyunSender {
  return new AliyunSender({
    accessKeyId: reader.requiredString('accessKeyId', 'copy the AccessKey ID from the Alibaba Cloud RAM console'),
    accessKeySecret: reader.requiredString('accessKeySecret', 'copy the AccessKey secret from the Alibaba Cloud RAM console'),
    signName: reader.requiredString('signName', 'set the approved SMS signature name'),
    templateCode: reader.requiredString('templateCode', 'set the approved template code, e.g. SMS_123456789', /^SMS_\d+$/),
    templateParam: reader.optionalString('templateParam', /^[A-Za-z_][A-Za-z0-9_]*$/, 'name the template variable that receives the text') ?? 'content',
    regionId: reader.optionalString('regionId') ?? 'cn-hangzhou',
    endpoint: reader.optionalUrl('endpoint') ?? new URL('https://dysmsapi.aliyuncs.com/'),
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 256) ?? 4,
  });
}

function createWebhook(reader: OptionReader): WebhookSender {
  const url = reader.optionalUrl('url');
  if (url === undefined) reader.fail('url', 'is required', 'set url to the HTTPS endpoint that sends the SMS');
  return new WebhookSender({
    url,
    secret: reader.requiredString('secret', 'set a shared secret of at least 16 characters', /^.{16,}$/),
    secretHeader: reader.optionalString('secretHeader', /^[A-Za-z0-9-]+$/, 'use a header name of letters, digits and -') ?? 'x-pushmux-secret',
    ca: reader.optionalInlineOrFile('ca', 'caFile', 'CA certificate (PEM)'),
    timeoutMs: reader.optionalInteger('timeoutMs', 100, 120_000) ?? 10_000,
    connections: reader.optionalInteger('connections', 1, 256) ?? 4,
  });
}

/**
 * Builds the SMS sender of an app from its `sms` block, which names exactly one of `twilio`, `aliyun`
 * or `webhook` (other keys of the block belong to the pipeline's SMS policy and are ignored here).
 * Throws ConfigError with paths like `apps.<app>.sms.twilio.accountSid`; never echoes a secret.
 *
 * - twilio: `accountSid`, `authToken` | (`apiKeySid`, `apiKeySecret`), `from` | `messagingServiceSid`,
 *   `statusCallback`?, `validityPeriodSeconds`?, `endpoint`?, `ca` | `caFile`?, `timeoutMs`?, `connections`?
 * - aliyun: `accessKeyId`, `accessKeySecret`, `signName`, `templateCode`, `templateParam`? (default
 *   `content`), `regionId`?, `endpoint`?, `ca` | `caFile`?, `timeoutMs`?, `connections`?
 * - webhook: `url`, `secret`, `secretHeader`? (default `x-pushmux-secret`), `ca` | `caFile`?,
 *   `timeoutMs`?, `connections`?
 * - every sender: `maxAttempts`?, `breakerThreshold`?, `halfOpenAfterMs`? ({@link ResilientSmsSender}).
 *
 * `ctx.hooks` are the push adapters' metric hooks: the sender reports its calls and circuit through
 * them as provider `sms`.
 */
export function createSmsSender(options: Record<string, unknown>, ctx: { appId: string; hooks?: ResilienceHooks }): SmsSender {
  const basePath = `apps.${ctx.appId}.sms`;
  const present = SENDERS.filter((name) => options[name] !== undefined && options[name] !== null);
  if (present.length !== 1) {
    throw new ConfigError(basePath, present.length === 0 ? 'names no sender' : `names ${present.length} senders (${present.join(', ')})`, 'configure exactly one of twilio, aliyun or webhook');
  }
  const name = present[0] as (typeof SENDERS)[number];
  const reader = new OptionReader(block(options, name, basePath), `${basePath}.${name}`);
  // Read before the sender opens its pool, so a bad knob leaves nothing open behind the ConfigError.
  const resilience = readSmsResilience(reader);
  return new ResilientSmsSender(createInner(name, reader), { ...resilience, appId: ctx.appId, hooks: ctx.hooks });
}

function createInner(name: (typeof SENDERS)[number], reader: OptionReader): SmsSender {
  switch (name) {
    case 'twilio':
      return createTwilio(reader);
    case 'aliyun':
      return createAliyun(reader);
    case 'webhook':
      return createWebhook(reader);
  }
}

/** `maxAttempts` (default 3), `breakerThreshold` (5), `halfOpenAfterMs` (30,000) of any sender block. */
function readSmsResilience(reader: OptionReader): SmsResilienceOptions {
  return {
    maxAttempts: reader.optionalInteger('maxAttempts', 1, 10) ?? 3,
    breakerThreshold: reader.optionalInteger('breakerThreshold', 1, 1_000) ?? 5,
    halfOpenAfterMs: reader.optionalInteger('halfOpenAfterMs', 10, 3_600_000) ?? 30_000,
  };
}
