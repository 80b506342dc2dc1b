import type { Dispatcher } from 'undici';
import { withDeadline, type DeadlineOptions } from '../resilience/deadline.js';

/** A provider's answer: status, headers and the body when it is JSON. */
export interface JsonAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body when it is a JSON object or array; undefined otherwise (a proxy's HTML page): the status decides. */
  json: Record<string, unknown> | undefined;
}

/**
 * One POST of `body` to `path` on `dispatcher`, on a deadline, reading the answer as JSON. Throws only for
 * transport failures and the deadline ({@link withDeadline}).
 */
export function postForJson(
  dispatcher: Dispatcher,
  request: { path: string; headers: Record<string, string>; body: string },
  deadline: DeadlineOptions,
): Promise<JsonAnswer> {
  return withDeadline(async (signal) => {
    const response = await dispatcher.request({ method: 'POST', path: request.path, headers: request.headers, body: request.body, signal });
    const text = await response.body.text();
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { statusCode: response.statusCode, headers: response.headers, json };
  }, deadline);
}
