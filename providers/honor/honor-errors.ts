import { GatewayError } from '../../src/errors/index.js';

/** Honor's token endpoint refused or failed a token request; `transient` tells an outage from a refusal. */
export class HonorAuthError extends GatewayError {
  readonly transient: boolean;
  readonly statusCode: number | undefined;

  constructor(message: string, details: { transient: boolean; statusCode?: number }, options?: { cause?: unknown }) {
    super('PUSHMUX_HONOR_AUTH', message, options);
    this.name = 'HonorAuthError';
    this.transient = details.transient;
    this.statusCode = details.statusCode;
  }
}
