import { createHmac } from 'node:crypto';

/** RFC 3986 percent-encoding as Alibaba Cloud's RPC signature wants it: space %20, `*` %2A, `~` kept. */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The sorted, encoded `k=v&...` string of all parameters but Signature. */
export function aliyunCanonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((key) => key !== 'Signature')
    .sort()
    .map((key) => `${aliyunPercentEncode(key)}=${aliyunPercentEncode(params[key] as string)}`)
    .join('&');
}

/**
 * Alibaba Cloud RPC signature v1.0 (reference §7): `StringToSign = METHOD & enc("/") & enc(canonical
 * query)`, `Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))`.
 */
export function aliyunSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(aliyunCanonicalQuery(params))}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

/** UTC time as the RPC API wants it: `yyyy-MM-ddTHH:mm:ssZ`. */
export function aliyunTimestamp(nowMs: number = Date.now()): string {
  return new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
