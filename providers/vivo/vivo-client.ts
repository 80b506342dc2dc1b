import { createHash } from 'node:crypto';
import type { Pool } from 'undici';
import { CachedToken, type FetchedToken } from '../shared/cached-token.js';
import { postForJson } from '../shared/post-for-json.js';
import { createProviderPool } from '../shared/provider-pool.js';
import { VivoAuthError } from './vivo-errors.js';
import type { VivoSettings } from './vivo-options.js';

/**
 * vivo's authToken lives 24 hours, but vivo asks servers to fetch a new one every 1–2 hours (and limits
 * /message/auth to 10 calls a second): refresh hourly.
 */
const TOKEN_REFRESH_MS = 3600_000;

/** A vivo answer: `{result, desc, ...}`. */
export interface VivoAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  result?: number;
  desc?: string;
  json: Record<string, unknown>;
}

/** `lowercase hex md5(appId + appKey + timestamp + appSecret)`, vivo's auth signature. */
export function vivoSign(appId: string, appKey: string, timestamp: string, appSecret: string): string {
  return createHash('md5').update(`${appId}${appKey}${timestamp}${appSecret}`, 'utf8').digest('hex');
}

/**
 * vivo Push server API over one undici Pool: JSON POSTs with the `authToken` header. The token comes
 * from `POST /message/auth` and is cached (refreshed hourly, or when a call says it is invalid);
 * concurrent callers share one request.
 */
export class VivoClient {
  private readonly settings: VivoSettings;
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly cache = new CachedToken(() => this.fetchToken());

  constructor(settings: VivoSettings) {
    this.settings = settings;
    this.pool = createProviderPool(settings);
    this.prefix = settings.endpoint.pathname.replace(/\/$/, '');
  }

  token(): Promise<string> {
    return this.cache.get();
  }

  invalidateToken(token: string): void {
    this.cache.invalidate(token);
  }

  /** One JSON POST. Throws only for transport failures and the deadline. */
  async post(path: string, body: Record<string, unknown>, authToken: string | undefined, signal?: AbortSignal): Promise<VivoAnswer> {
    const { statusCode, headers, json = {} } = await postForJson(
      this.pool,
      {
        path: `${this.prefix}${path}`,
        headers: { 'content-type': 'application/json;charset=UTF-8', accept: 'application/json', ...(authToken === undefined ? {} : { authToken }) },
        body: JSON.stringify(body),
      },
      { provider: 'vivo', timeoutMs: this.settings.timeoutMs, signal },
    );
    const answer: VivoAnswer = { statusCode, headers, json };
    if (typeof json.result === 'number') answer.result = json.result;
    if (typeof json.desc === 'string') answer.desc = json.desc;
    return answer;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async fetchToken(): Promise<FetchedToken> {
    const { appId, appKey, appSecret } = this.settings;
    const timestamp = String(Date.now());
    let answer: VivoAnswer;
    try {
      answer = await this.post('/message/auth', { appId, appKey, timestamp, sign: vivoSign(appId, appKey, timestamp, appSecret) }, undefined);
    } catch (error) {
      throw new VivoAuthError('vivo auth endpoint unreachable', { transient: true }, { cause: error });
    }
    if (answer.statusCode === 200 && answer.result === 0 && typeof answer.json.authToken === 'string') {
      return { token: answer.json.authToken, refreshAt: Date.now() + TOKEN_REFRESH_MS };
    }
    const transient = answer.statusCode >= 500 || answer.statusCode === 429;
    throw new VivoAuthError(`vivo auth answered ${answer.statusCode}${answer.result === undefined ? '' : ` result ${answer.result}`}`, {
      transient,
      ...(answer.result === undefined ? {} : { vivoResult: answer.result }),
    });
  }
}
