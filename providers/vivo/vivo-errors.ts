import { GatewayError } from '../../src/errors/index.js';

/** vivo's auth endpoint refused or failed to issue an authToken; `transient` tells an outage from a refusal. */
export class VivoAuthError extends GatewayError {
  readonly transient: boolean;
  readonly vivoResult: number | undefined;

  constructor(message: string, details: { transient: boolean; vivoResult?: number }, options?: { cause?: unknown }) {
    super('PUSHMUX_VIVO_AUTH', message, options);
    this.name = 'VivoAuthError';
    this.transient = details.transient;
    this.vivoResult = details.vivoResult;
  }
}
