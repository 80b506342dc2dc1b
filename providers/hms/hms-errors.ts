import { GatewayError } from '../../src/errors/index.js';
import { ProviderResponseError } from '../resilience/provider-errors.js';

/**
 * Huawei's OAuth endpoint refused or failed a token request. `transient` tells an outage (5xx, 429,
 * network) from a refusal (a wrong client id or secret), which no retry fixes.
 */
export class HmsAuthError extends GatewayError {
  readonly transient: boolean;
  readonly statusCode: number | undefined;

  constructor(message: string, details: { transient: boolean; statusCode?: number }, options?: { cause?: unknown }) {
    super('PUSHMUX_HMS_AUTH', message, options);
    this.name = 'HmsAuthError';
    this.transient = details.transient;
    this.statusCode = details.statusCode;
  }
}

/** Push Kit answered with an error: `hmsCode` is its result code (80300007, 80200003, ...). */
export class HmsResponseError extends ProviderResponseError {
  readonly hmsCode: string | undefined;

  constructor(statusCode: number, hmsCode: string | undefined, message: string) {
    super('PUSHMUX_HMS_ERROR_RESPONSE', `Push Kit answered ${statusCode}${hmsCode === undefined ? '' : ` code ${hmsCode}`}: ${message}`, {
      statusCode,
      body: { code: hmsCode, msg: message },
    });
    this.name = 'HmsResponseError';
    this.hmsCode = hmsCode;
  }
}
