import { GatewayError } from '../../src/errors/index.js';

/**
 * Errors shared by every provider adapter. Adapters never let these escape `send()`: they are thrown
 * inside an adapter's transport code and classified into a `SendOutcome`, and they travel as `cause`
 * in logs. Code that branches on them uses `code`.
 */

/** A provider call did not answer within its time budget. */
export class ProviderTimeoutError extends GatewayError {
  readonly timeoutMs: number;

  constructor(provider: string, timeoutMs: number) {
    super('PUSHMUX_PROVIDER_TIMEOUT', `${provider}: no answer within ${timeoutMs} ms`);
    this.name = 'ProviderTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** A provider answered with an error status; carries what is needed to classify it. */
export class ProviderResponseError extends GatewayError {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;

  constructor(
    code: string,
    message: string,
    details: { statusCode: number; headers?: Record<string, string | string[] | undefined>; body?: unknown },
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'ProviderResponseError';
    this.statusCode = details.statusCode;
    this.headers = details.headers ?? {};
    this.body = details.body;
  }
}

/** The caller aborted a provider call (its `SendOptions.signal`). */
export class ProviderAbortedError extends GatewayError {
  constructor(provider: string, options?: { cause?: unknown }) {
    super('PUSHMUX_PROVIDER_ABORTED', `${provider}: call aborted by the caller`, options);
    this.name = 'ProviderAbortedError';
  }
}
