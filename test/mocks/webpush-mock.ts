import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerScript } from './answer-script.js';
import { HttpMock, actTransport, isTransportAnswer, later, type MockRequest, type TransportAnswer } from './http-mock-server.js';

/**
 * A local Web Push service (RFC 8030) for tests. `subscribe()` creates a subscription the way a browser
 * does (a P-256 key pair and a 16-byte auth secret, endpoint `https://127.0.0.1:<port>/push/<id>`), so
 * the mock can check what a real push service checks: a VAPID `Authorization: vapid t=<jwt>, k=<key>`
 * whose ES256 JWT verifies, names this origin as `aud` and has not expired; a `TTL` header; and an
 * aes128gcm body it decrypts with the subscription's private key (RFC 8291). Unknown or removed
 * subscriptions answer 410; scripted answers give any status.
 */

export type WebPushMockAnswer = { status: number; retryAfter?: string; delayMs?: number } | TransportAnswer;

export interface WebPushMockDelivery {
  subscriptionId: string;
  /** The decrypted payload. */
  payload: string;
  headers: IncomingMessage['headers'];
  /** The verified VAPID claims. */
  claims: Record<string, unknown>;
}

interface MockSubscription {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
}

function hmac(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 8291 aes128gcm decryption with the user agent's private key. */
function decrypt(body: Buffer, sub: MockSubscription): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const senderPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const secret = sub.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), sub.ecdh.getPublicKey(), senderPublic]);
  const ikm = hmac(hmac(sub.auth, secret), Buffer.concat([keyInfo, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the 0x02 delimiter, then zero padding.
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end -= 1;
  if (plain[end] !== 2) throw new Error('bad padding delimiter');
  return plain.subarray(0, end).toString('utf8');
}

export class WebPushMock extends HttpMock {
  readonly script = new AnswerScript<WebPushMockAnswer>();
  readonly deliveries: WebPushMockDelivery[] = [];

  private readonly subscriptions = new Map<string, MockSubscription>();
  private nextId = 1;

  static start(): Promise<WebPushMock> {
    return HttpMock.serve((server) => new WebPushMock(server));
  }

  /** A new subscription's JSON, as `PushSubscription.toJSON()` gives it (the device token). */
  subscribe(): string {
    const id = `sub${this.nextId++}`;
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.subscriptions.set(id, { ecdh, auth });
    return JSON.stringify({ endpoint: `${this.server.url}/push/${id}`, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } });
  }

  /** Forgets a subscription, as when the user revokes permission: its endpoint answers 410. */
  unsubscribe(token: string): void {
    const id = (JSON.parse(token) as { endpoint: string }).endpoint.split('/').pop() ?? '';
    this.subscriptions.delete(id);
  }

  reset(): void {
    this.server.log.length = 0;
    this.deliveries.length = 0;
    this.script.reset();
  }

  protected handle(request: MockRequest, res: ServerResponse, req: IncomingMessage): void {
    const reply = (status: number, headers: Record<string, string> = {}): void => {
      request.status = status;
      res.writeHead(status, headers);
      res.end();
    };
    const id = /^\/push\/([a-z0-9]+)$/.exec(request.path)?.[1];
    if (request.method !== 'POST' || id === undefined) return reply(404);
    const sub = this.subscriptions.get(id);
    if (sub === undefined) return reply(410);
    const claims = this.verifyVapid(request.headers.authorization);
    if (claims === undefined) return reply(403);
    if (!/^\d+$/.test(String(request.headers.ttl))) return reply(400);
    if (request.headers['content-encoding'] !== 'aes128gcm') return reply(415);
    const scripted = this.script.take(id);
    later(scripted !== undefined && 'delayMs' in scripted ? scripted.delayMs : undefined, () => {
      if (scripted !== undefined) {
        if (isTransportAnswer(scripted)) return actTransport(scripted, req);
        return reply(scripted.status, scripted.retryAfter === undefined ? {} : { 'retry-after': scripted.retryAfter });
      }
      let payload: string;
      try {
        payload = decrypt(request.raw, sub);
      } catch {
        return reply(400);
      }
      this.deliveries.push({ subscriptionId: id, payload, headers: request.headers, claims });
      reply(201, { location: `${this.server.url}/message/${id}-${this.deliveries.length}` });
    });
  }

  /** Checks `vapid t=<jwt>, k=<public key>`: ES256 signature by k, aud = this origin, exp ahead. */
  private verifyVapid(header: string | undefined): Record<string, unknown> | undefined {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
    if (!match) return undefined;
    const [header64, claims64, signature64] = (match[1] as string).split('.');
    const point = Buffer.from(match[2] as string, 'base64url');
    if (point.length !== 65 || header64 === undefined || claims64 === undefined || signature64 === undefined) return undefined;
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
    const signed = verify('sha256', Buffer.from(`${header64}.${claims64}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature64, 'base64url'));
    if (!signed) return undefined;
    const claims = JSON.parse(Buffer.from(claims64, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (claims.aud !== this.server.url || typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now() || typeof claims.sub !== 'string') return undefined;
    return claims;
  }
}
