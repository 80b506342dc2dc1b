import { Pool } from 'undici';
import { withDeadline } from '../resilience/deadline.js';
import { HonorAuthError } from './honor-errors.js';

/** Refresh this long before expiry (or at half-life for short tokens), so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export interface HonorTokenSourceOptions {
  tokenUrl: URL;
  clientId: string;
  /** Secret: only ever in the request body. */
  clientSecret: string;
  ca?: string | undefined;
  timeoutMs: number;
}

/**
 * Honor IAM client-credentials tokens (`POST https://iam.developer.honor.com/auth/token`, form
 * `grant_type=client_credentials&client_id&client_secret`, answer `{access_token, expires_in}`), cached
 * until shortly before expiry; concurrent callers share one request. `invalidate()` drops the cached
 * token when Honor says it expired (80200003) or was refused (401). (The same flow as Huawei's; the
 * two are kept apart because the companies' services evolve separately.)
 */
export class HonorTokenSource {
  private readonly options: HonorTokenSourceOptions;
  private readonly pool: Pool;
  private cached: { token: string; refreshAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(options: HonorTokenSourceOptions) {
    this.options = options;
    this.pool = new Pool(options.tokenUrl.origin, {
      connections: 2,
      connect: options.ca === undefined ? { timeout: options.timeoutMs } : { ca: options.ca, timeout: options.timeoutMs },
    });
  }

  /** A valid access token; throws {@link HonorAuthError} when none can be had. */
  token(): Promise<string> {
    if (this.cached && Date.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    // The shared request runs on its own deadline: one caller's abort must not fail the others.
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Drops `token` if it is still the cached one (a newer token fetched meanwhile stays). */
  invalidate(token?: string): void {
    if (token === undefined || this.cached?.token === token) this.cached = undefined;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async fetch(): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
    }).toString();
    let statusCode: number;
    let payload: { access_token?: unknown; expires_in?: unknown; error?: unknown; sub_error?: unknown } | undefined;
    try {
      ({ statusCode, payload } = await withDeadline(
        async (deadline) => {
          const response = await this.pool.request({
            method: 'POST',
            path: `${this.options.tokenUrl.pathname}${this.options.tokenUrl.search}`,
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body,
            signal: deadline,
          });
          const text = await response.body.text();
          let parsed: typeof payload;
          try {
            parsed = JSON.parse(text) as typeof payload;
          } catch {
            parsed = undefined;
          }
          return { statusCode: response.statusCode, payload: parsed };
        },
        { provider: 'honor-oauth', timeoutMs: this.options.timeoutMs },
      ));
    } catch (error) {
      throw new HonorAuthError('Honor token endpoint unreachable', { transient: true }, { cause: error });
    }
    if (statusCode === 200 && typeof payload?.access_token === 'string' && typeof payload.expires_in === 'number') {
      const lifetimeMs = payload.expires_in * 1000;
      const margin = Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2);
      this.cached = { token: payload.access_token, refreshAt: Date.now() + lifetimeMs - margin };
      return payload.access_token;
    }
    // A wrong client id or secret is a 4xx refusal.
    const transient = statusCode === 429 || statusCode >= 500;
    const detail = payload?.error === undefined ? '' : ` error ${String(payload.error)}${payload.sub_error === undefined ? '' : `/${String(payload.sub_error)}`}`;
    throw new HonorAuthError(`Honor token endpoint answered ${statusCode}${detail}`, { transient, statusCode });
  }
}
