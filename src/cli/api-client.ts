/**
 * The CLI's HTTP client for a running gateway: base URL and API key from --url/--key or
 * PUSHMUX_URL/PUSHMUX_KEY. The key goes into the Authorization header and nowhere else (never printed).
 */
import { CliError, usageError, type CliIo } from './io.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface ApiOptions {
  url?: string | undefined;
  key?: string | undefined;
}

export class ApiClient {
  private constructor(readonly baseUrl: string, private readonly key: string) {}

  static from(options: ApiOptions, io: CliIo): ApiClient {
    const raw = options.url ?? io.env.gatewayUrl ?? DEFAULT_URL;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw usageError(`--url "${raw}" is not a URL (e.g. ${DEFAULT_URL})`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--url must be http:// or https:// (got ${url.protocol})`);
    const key = options.key ?? io.env.apiKey;
    if (!key) throw usageError('no API key: set PUSHMUX_KEY (or pass --key)');
    return new ApiClient(url.origin + url.pathname.replace(/\/+$/, ''), key);
  }

  /** One request; answers the parsed JSON body (undefined for 204) or throws a CliError naming the failure. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const detail = error ? `${error.code ?? 'error'}: ${error.message ?? ''}`.trim() : response.statusText;
      throw new CliError(`${method} ${path} answered ${response.status} ${detail}`);
    }
    return parsed as T;
  }
}
