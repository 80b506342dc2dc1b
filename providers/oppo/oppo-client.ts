import { createHash } from 'node:crypto';
import type { Pool } from 'undici';
import { CachedToken, type FetchedToken } from '../shared/cached-token.js';
import { postForJson } from '../shared/post-for-json.js';
import { createProviderPool } from '../shared/provider-pool.js';
import { OppoAuthError } from './oppo-errors.js';
import type { OppoSettings } from './oppo-options.js';

/** OPPO's auth_token lives 24 hours; refresh an hour early so it never dies in flight. */
const TOKEN_LIFETIME_MS = 24 * 3600_000;
const REFRESH_MARGIN_MS = 3600_000;
/** OPPO codes on its side: service unavailable, flow control. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([-1, -2]);

/** An OPPO answer: `{code, message, data}`. */
export interface OppoAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  code?: number;
  message?: string;
  data?: unknown;
}

/** `hex(sha256(app_key + timestamp + master_secret))`, OPPO's auth signature. */
export function oppoSign(appKey: string, timestamp: string, masterSecret: string): string {
  return createHash('sha256').update(`${appKey}${timestamp}${masterSecret}`, 'utf8').digest('hex');
}

/**
 * OPPO Push server API over one undici Pool: form-encoded POSTs, each carrying `auth_token`. The token
 * comes from `POST /server/v1/auth` (app_key, timestamp in ms, sha256 sign) and is cached for 23 of its
 * 24 hours; concurrent callers share one request; `invalidateToken` drops it after code 11.
 */
export class OppoClient {
  private readonly settings: OppoSettings;
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly cache = new CachedToken(() => this.fetchToken());

  constructor(settings: OppoSettings) {
    this.settings = settings;
    this.pool = createProviderPool(settings);
    this.prefix = settings.endpoint.pathname.replace(/\/$/, '');
  }

  /** A valid auth_token; throws {@link OppoAuthError}. */
  token(): Promise<string> {
    return this.cache.get();
  }

  invalidateToken(token: string): void {
    this.cache.invalidate(token);
  }

  /** One form POST to `path` (relative to /server/v1). Throws only for transport failures and the deadline. */
  async post(path: string, fields: Record<string, string>, signal?: AbortSignal): Promise<OppoAnswer> {
    const { statusCode, headers, json } = await postForJson(
      this.pool,
      { path: `${this.prefix}/server/v1${path}`, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' }, body: new URLSearchParams(fields).toString() },
      { provider: 'oppo', timeoutMs: this.settings.timeoutMs, signal },
    );
    const answer: OppoAnswer = { statusCode, headers };
    if (json !== undefined) {
      if (typeof json.code === 'number') answer.code = json.code;
      if (typeof json.message === 'string') answer.message = json.message;
      answer.data = json.data;
    }
    return answer;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async fetchToken(): Promise<FetchedToken> {
    const timestamp = String(Date.now());
    let answer: OppoAnswer;
    try {
      answer = await this.post('/auth', { app_key: this.settings.appKey, timestamp, sign: oppoSign(this.settings.appKey, timestamp, this.settings.masterSecret) });
    } catch (error) {
      throw new OppoAuthError('OPPO auth endpoint unreachable', { transient: true }, { cause: error });
    }
    const token = (answer.data as { auth_token?: unknown } | undefined)?.auth_token;
    if (answer.statusCode === 200 && answer.code === 0 && typeof token === 'string') {
      return { token, refreshAt: Date.now() + TOKEN_LIFETIME_MS - REFRESH_MARGIN_MS };
    }
    const transient = answer.statusCode >= 500 || answer.statusCode === 429 || (answer.code !== undefined && TRANSIENT_CODES.has(answer.code));
    throw new OppoAuthError(`OPPO auth answered ${answer.statusCode}${answer.code === undefined ? '' : ` code ${answer.code}`}`, {
      transient,
      ...(answer.code === undefined ? {} : { oppoCode: answer.code }),
    });
  }
}
