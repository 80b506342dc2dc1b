import { Pool } from 'undici';
import { withDeadline } from '../resilience/deadline.js';

/** Where and how to reach one JPush origin (push API or report API). */
export interface JPushClientOptions {
  origin: URL;
  appKey: string;
  /** Secret: only ever inside the Authorization header. */
  masterSecret: string;
  ca?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/** A JPush answer, read whole. `code`/`message` come from the `{"error":{code,message}}` envelope. */
export interface JPushAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
  code?: number;
  message?: string;
}

/**
 * JPush v3 REST over one undici Pool per origin, HTTP Basic auth with the app key and master secret.
 * Reads the whole body before parsing (jpush-async parsed the first chunk and crashed on chunked
 * answers). Throws only for transport failures and the deadline.
 */
export class JPushClient {
  private readonly pool: Pool;
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(options: JPushClientOptions) {
    this.pool = new Pool(options.origin.origin, {
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: options.ca === undefined ? { timeout: options.timeoutMs } : { ca: options.ca, timeout: options.timeoutMs },
    });
    this.authorization = `Basic ${Buffer.from(`${options.appKey}:${options.masterSecret}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs;
  }

  /** One call; `body` is JSON text (JPush msg_ids are int64, so callers write them verbatim). */
  call(method: 'GET' | 'POST', path: string, body: string | undefined, signal?: AbortSignal): Promise<JPushAnswer> {
    return withDeadline(
      async (deadline) => {
        const response = await this.pool.request({
          method,
          path,
          headers: {
            authorization: this.authorization,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body }),
          ...(deadline === undefined ? {} : { signal: deadline }),
        });
        const text = await response.body.text();
        const answer: JPushAnswer = { statusCode: response.statusCode, headers: response.headers, text, json: undefined };
        try {
          answer.json = text === '' ? undefined : JSON.parse(text);
        } catch {
          answer.json = undefined;
        }
        const error = (answer.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
        if (typeof error?.code === 'number') answer.code = error.code;
        if (typeof error?.message === 'string') answer.message = error.message;
        return answer;
      },
      { provider: 'jpush', timeoutMs: this.timeoutMs, signal },
    );
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Reads `msg_id` from raw JSON text: it is an int64 that JSON.parse would round. */
export function extractMsgId(text: string): string | undefined {
  return /"msg_id"\s*:\s*"?(\d+)"?/.exec(text)?.[1];
}
