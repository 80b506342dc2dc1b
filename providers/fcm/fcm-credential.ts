import { createSign } from 'node:crypto';
import type { Credential, GoogleOAuthAccessToken } from 'firebase-admin/app';
import { Agent, request } from 'undici';
import { FcmAuthError } from './fcm-errors.js';
import type { ServiceAccount } from './fcm-options.js';

const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** Refresh this long before expiry, so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * A firebase-admin `Credential` that does the service-account OAuth exchange itself (RS256 JWT bearer
 * grant, RFC 7523) against a configurable token endpoint. firebase-admin's own `cert()` goes through
 * google-auth-library/gtoken, whose token URL is fixed (reference §2, §8), so a proxy or a mock could not
 * stand in for it. Tokens are cached until five minutes before expiry; concurrent callers share one
 * exchange.
 */
export class ServiceAccountCredential implements Credential {
  /** Why the last exchange failed, so the adapter can tell an outage from a refusal. */
  lastError: FcmAuthError | undefined;

  private readonly account: ServiceAccount;
  private readonly tokenUri: URL;
  private readonly timeoutMs: number;
  private readonly dispatcher: Agent;
  private cached: { token: GoogleOAuthAccessToken; expiresAt: number } | undefined;
  private inflight: Promise<GoogleOAuthAccessToken> | undefined;

  constructor(account: ServiceAccount, options: { tokenUri: URL; ca?: string | undefined; timeoutMs: number }) {
    this.account = account;
    this.tokenUri = options.tokenUri;
    this.timeoutMs = options.timeoutMs;
    this.dispatcher = new Agent({
      connect: options.ca === undefined ? { timeout: options.timeoutMs } : { ca: options.ca, timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  getAccessToken(): Promise<GoogleOAuthAccessToken> {
    const cached = this.cached;
    if (cached && Date.now() < cached.expiresAt - EXPIRY_MARGIN_MS) {
      const remaining = Math.floor((cached.expiresAt - Date.now()) / 1000);
      return Promise.resolve({ access_token: cached.token.access_token, expires_in: remaining });
    }
    this.inflight ??= this.exchange().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Drops the cached token (after a 401 from FCM, say). */
  invalidate(): void {
    this.cached = undefined;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private assertion(): string {
    const iat = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', ...(this.account.privateKeyId ? { kid: this.account.privateKeyId } : {}) };
    const claims = { iss: this.account.clientEmail, scope: FCM_SCOPE, aud: this.tokenUri.href, iat, exp: iat + 3600 };
    const unsigned = `${base64url(header)}.${base64url(claims)}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(this.account.privateKey, 'base64url');
    return `${unsigned}.${signature}`;
  }

  private async exchange(): Promise<GoogleOAuthAccessToken> {
    const body = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: this.assertion(),
    }).toString();
    let statusCode: number;
    let payload: unknown;
    try {
      const response = await request(this.tokenUri, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      statusCode = response.statusCode;
      const text = await response.body.text();
      try {
        payload = JSON.parse(text);
      } catch {
        payload = undefined;
      }
    } catch (error) {
      throw this.fail(new FcmAuthError('OAuth token endpoint unreachable', { transient: true }, { cause: error }));
    }
    const token = payload as Partial<GoogleOAuthAccessToken> | undefined;
    if (statusCode === 200 && typeof token?.access_token === 'string' && typeof token.expires_in === 'number') {
      this.lastError = undefined;
      this.cached = { token: { access_token: token.access_token, expires_in: token.expires_in }, expiresAt: Date.now() + token.expires_in * 1000 };
      return { access_token: token.access_token, expires_in: token.expires_in };
    }
    // Google answers 400 invalid_grant / 401 for a bad key or account; 429 and 5xx are outages.
    const transient = statusCode === 429 || statusCode >= 500;
    const code = (payload as { error?: unknown } | undefined)?.error;
    throw this.fail(new FcmAuthError(`OAuth token endpoint answered ${statusCode}${typeof code === 'string' ? ` ${code}` : ''}`, { transient, statusCode }));
  }

  private fail(error: FcmAuthError): FcmAuthError {
    this.lastError = error;
    return error;
  }
}
