import { Pool } from 'undici';
import { withDeadline } from '../resilience/deadline.js';

/** An HTTP answer read whole; `json` is undefined when the body is not JSON. */
export interface SmsHttpAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

/**
 * The one transport of the SMS senders: a keep-alive undici Pool to one origin, a hard deadline per call
 * (connect, headers and body included), JSON read from the whole body. Throws only for transport
 * failures and the deadline; callers classify those with `classifyTransportError`.
 */
export class SmsHttpClient {
  private readonly pool: Pool;
  private readonly provider: string;
  private readonly timeoutMs: number;

  constructor(origin: URL, options: { provider: string; timeoutMs: number; connections: number; ca?: string | undefined }) {
    this.provider = options.provider;
    this.timeoutMs = options.timeoutMs;
    this.pool = new Pool(origin.origin, {
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: options.ca === undefined ? { timeout: options.timeoutMs } : { ca: options.ca, timeout: options.timeoutMs },
    });
  }

  post(path: string, headers: Record<string, string>, body: string, signal?: AbortSignal): Promise<SmsHttpAnswer> {
    return withDeadline(
      async (deadline) => {
        const response = await this.pool.request({ method: 'POST', path, headers: { accept: 'application/json', ...headers }, body, signal: deadline });
        const text = await response.body.text();
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        return { statusCode: response.statusCode, headers: response.headers, json };
      },
      { provider: this.provider, timeoutMs: this.timeoutMs, signal },
    );
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
