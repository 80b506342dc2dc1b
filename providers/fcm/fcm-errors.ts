import { GatewayError } from '../../src/errors/index.js';

/**
 * The OAuth token endpoint refused our service account, or could not be reached. `transient` tells the
 * two apart: a refusal (bad key, deleted account) is a config problem, an outage is not.
 */
export class FcmAuthError extends GatewayError {
  readonly transient: boolean;
  readonly statusCode: number | undefined;

  constructor(message: string, details: { transient: boolean; statusCode?: number }, options?: { cause?: unknown }) {
    super(details.transient ? 'PUSHMUX_FCM_OAUTH_UNAVAILABLE' : 'PUSHMUX_FCM_OAUTH_REFUSED', message, options);
    this.name = 'FcmAuthError';
    this.transient = details.transient;
    this.statusCode = details.statusCode;
  }
}
