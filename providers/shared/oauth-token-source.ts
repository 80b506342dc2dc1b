import { Pool } from 'undici';
import { CachedToken } from './cached-token.js';
import { postForJson, type JsonAnswer } from './post-for-json.js';

/** Refresh this long before expiry (or at half-life for short tokens), so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export interface OAuthTokenSourceOptions {
  tokenUrl: URL;
  clientId: string;
  /** Secret: only ever in the request body. */
  clientSecret: string;
  ca?: string | undefined;
  timeoutMs: number;
}

/** What differs between two providers' client-credentials endpoints. */
export interface OAuthEndpoint {
  /** Names the token endpoint in deadline errors (`hms-oauth`). */
  deadlineName: string;
  /** Names the token endpoint in error messages (`Huawei OAuth endpoint`). */
  label: string;
  /** The provider's auth error; `transient` tells an outage (5xx, 429, network) from a refusal. */
  authError(message: string, details: { transient: boolean; statusCode?: number }, options?: { cause?: unknown }): Error;
}

/**
 * OAuth 2.0 client-credentials tokens (form `grant_type=client_credentials&client_id&client_secret`,
 * answer `{access_token, expires_in}`), cached until shortly before expiry; concurrent callers share
 * one request. `invalidate()` drops the cached token when the push API says it expired or was refused.
 */
export class OAuthTokenSource {
  private readonly options: OAuthTokenSourceOptions;
  private readonly endpoint: OAuthEndpoint;
  private readonly pool: Pool;
  private readonly cache = new CachedToken(() => this.fetch());

  constructor(options: OAuthTokenSourceOptions, endpoint: OAuthEndpoint) {
    this.options = options;
    this.endpoint = endpoint;
    this.pool = new Pool(options.tokenUrl.origin, {
      connections: 2,
      connect: options.ca === undefined ? { timeout: options.timeoutMs } : { ca: options.ca, timeout: options.timeoutMs },
    });
  }

  /** A valid access token; throws the endpoint's auth error when none can be had. */
  token(): Promise<string> {
    return this.cache.get();
  }

  /** Drops `token` if it is still the cached one (a newer token fetched meanwhile stays). */
  invalidate(token?: string): void {
    this.cache.invalidate(token);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async fetch(): Promise<{ token: string; refreshAt: number }> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
    }).toString();
    let answer: JsonAnswer;
    try {
      answer = await postForJson(
        this.pool,
        { path: `${this.options.tokenUrl.pathname}${this.options.tokenUrl.search}`, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body },
        { provider: this.endpoint.deadlineName, timeoutMs: this.options.timeoutMs },
      );
    } catch (error) {
      throw this.endpoint.authError(`${this.endpoint.label} unreachable`, { transient: true }, { cause: error });
    }
    const { statusCode } = answer;
    const payload = answer.json as { access_token?: unknown; expires_in?: unknown; error?: unknown; sub_error?: unknown } | undefined;
    if (statusCode === 200 && typeof payload?.access_token === 'string' && typeof payload.expires_in === 'number') {
      const lifetimeMs = payload.expires_in * 1000;
      const margin = Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2);
      return { token: payload.access_token, refreshAt: Date.now() + lifetimeMs - margin };
    }
    // Huawei answers 400/401 with {"error":1101,"sub_error":20203,...} for a wrong client id or secret.
    const transient = statusCode === 429 || statusCode >= 500;
    const detail = payload?.error === undefined ? '' : ` error ${String(payload.error)}${payload.sub_error === undefined ? '' : `/${String(payload.sub_error)}`}`;
    throw this.endpoint.authError(`${this.endpoint.label} answered ${statusCode}${detail}`, { transient, statusCode });
  }
}
