import { GatewayError } from '../../src/errors/index.js';

/**
 * OPPO's auth endpoint refused or failed to issue an auth_token. `transient` tells an outage (-1, -2,
 * 5xx, network) from a refusal (wrong app key, signature or secret).
 */
export class OppoAuthError extends GatewayError {
  readonly transient: boolean;
  readonly oppoCode: number | undefined;

  constructor(message: string, details: { transient: boolean; oppoCode?: number }, options?: { cause?: unknown }) {
    super('PUSHMUX_OPPO_AUTH', message, options);
    this.name = 'OppoAuthError';
    this.transient = details.transient;
    this.oppoCode = details.oppoCode;
  }
}
