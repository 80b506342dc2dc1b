/**
 * The catalogue of errors the API answers to a caller, each with a stable code and status (as fastify's
 * lib/errors.js). Every answer uses the envelope `{ "error": { "code", "message", "details"? } }`.
 */
import { GatewayError } from './gateway-error.js';

export const HTTP_ERRORS = {
  invalid_request: { status: 400, message: 'The request does not match the schema' },
  malformed_json: { status: 400, message: 'The body is not valid JSON' },
  unauthorized: { status: 401, message: 'A valid API key is required (Authorization: Bearer <key>)' },
  forbidden: { status: 403, message: 'The API key may not do this' },
  app_not_found: { status: 404, message: 'No such app' },
  device_not_found: { status: 404, message: 'No such device' },
  notification_not_found: { status: 404, message: 'No such notification' },
  route_not_found: { status: 404, message: 'No such route' },
  method_not_allowed: { status: 405, message: 'Method not allowed' },
  body_too_large: { status: 413, message: 'The request body is too large' },
  payload_too_large: { status: 413, message: 'No configured channel can carry a payload this large' },
  unsupported_media_type: { status: 415, message: 'Send JSON (Content-Type: application/json)' },
  unprocessable: { status: 422, message: 'The request is well-formed but cannot be processed' },
  no_channel: { status: 422, message: 'No configured channel can reach any recipient' },
  rate_limited: { status: 429, message: 'Too many requests' },
  internal: { status: 500, message: 'Internal error' },
  store_unavailable: { status: 503, message: 'Storage is unavailable; nothing was stored, retry later' },
  shutting_down: { status: 503, message: 'This node is shutting down; connect to another' },
} as const satisfies Record<string, { status: number; message: string }>;

export type RequestErrorCode = keyof typeof HTTP_ERRORS;

/** The caller can fix this: answered as-is with the catalogue status (4xx), or 503 for storage. */
export class RequestError extends GatewayError {
  readonly statusCode: number;
  readonly details?: unknown;

  constructor(code: RequestErrorCode, message?: string, details?: unknown) {
    super(code, message ?? HTTP_ERRORS[code].message);
    this.name = 'RequestError';
    this.statusCode = HTTP_ERRORS[code].status;
    this.details = details;
  }
}

/** The envelope body for a code. */
export function errorBody(code: string, message: string, details?: unknown): { error: { code: string; message: string; details?: unknown } } {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
