import { randomUUID } from 'node:crypto';
import type { SendOutcome } from '../provider.js';
import { classifyTransportError } from '../resilience/transport-errors.js';
import { classifyAliyunError } from './aliyun-classify.js';
import { aliyunCanonicalQuery, aliyunPercentEncode, aliyunSignature, aliyunTimestamp } from './aliyun-signature.js';
import { SmsHttpClient } from './sms-http.js';
import { E164, type SmsMessage, type SmsSendOptions, type SmsSender } from './sms-sender.js';

/** Validated Alibaba Cloud SMS settings. */
export interface AliyunSettings {
  accessKeyId: string;
  /** Secret: only ever the HMAC key. */
  accessKeySecret: string;
  signName: string;
  templateCode: string;
  /** Name of the template variable that receives the text; default `content`. */
  templateParam: string;
  regionId: string;
  endpoint: URL;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/** Alibaba wants mainland numbers without +86 and others as country code + number, no plus. */
export function aliyunPhoneNumber(e164: string): string {
  return e164.startsWith('+86') ? e164.slice(3) : e164.slice(1);
}

/**
 * Alibaba Cloud SendSms sender (RPC API 2017-05-25, signature v1.0 HMAC-SHA1, POSTed form-encoded).
 * The text goes into the template variable `templateParam`; `OutId` is the notification id, which the
 * SMS report (receipt) echoes. `Code: OK` is accepted with the `BizId`.
 */
export class AliyunSender implements SmsSender {
  readonly name = 'aliyun' as const;
  private readonly settings: AliyunSettings;
  private readonly client: SmsHttpClient;
  private readonly path: string;

  constructor(settings: AliyunSettings) {
    this.settings = settings;
    this.client = new SmsHttpClient(settings.endpoint, { provider: 'aliyun', timeoutMs: settings.timeoutMs, connections: settings.connections, ca: settings.ca });
    this.path = settings.endpoint.pathname === '' ? '/' : settings.endpoint.pathname;
  }

  /** The signed parameters of one SendSms call (exposed for tests of the signature). */
  signedParams(message: SmsMessage, nowMs: number = Date.now(), nonce: string = randomUUID()): Record<string, string> {
    const params: Record<string, string> = {
      AccessKeyId: this.settings.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: message.notificationId,
      PhoneNumbers: aliyunPhoneNumber(message.to),
      RegionId: this.settings.regionId,
      SignName: this.settings.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: nonce,
      SignatureVersion: '1.0',
      TemplateCode: this.settings.templateCode,
      TemplateParam: JSON.stringify({ [this.settings.templateParam]: message.text }),
      Timestamp: aliyunTimestamp(nowMs),
      Version: '2017-05-25',
    };
    params.Signature = aliyunSignature('POST', params, this.settings.accessKeySecret);
    return params;
  }

  async send(message: SmsMessage, options?: SmsSendOptions): Promise<SendOutcome> {
    if (!E164.test(message.to)) return { kind: 'invalid-token', reason: 'not-e164' };
    const params = this.signedParams(message);
    const body = `${aliyunCanonicalQuery(params)}&Signature=${aliyunPercentEncode(params.Signature as string)}`;
    try {
      const answer = await this.client.post(this.path, { 'content-type': 'application/x-www-form-urlencoded' }, body, options?.signal);
      const json = answer.json as { Code?: unknown; BizId?: unknown } | undefined;
      const code = typeof json?.Code === 'string' ? json.Code : undefined;
      if (answer.statusCode === 200 && code === 'OK') {
        return typeof json?.BizId === 'string' ? { kind: 'accepted', providerMessageId: json.BizId } : { kind: 'accepted' };
      }
      return classifyAliyunError(answer.statusCode, code);
    } catch (error) {
      return classifyTransportError(error);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
