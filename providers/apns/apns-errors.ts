import { ProviderResponseError } from '../resilience/provider-errors.js';

/**
 * APNs answered with an error status. `reason` is Apple's reason string (`BadDeviceToken`,
 * `Unregistered`, ...); `timestamp` (ms) comes with a 410 and says since when the token is invalid.
 */
export class ApnsResponseError extends ProviderResponseError {
  readonly reason: string;
  readonly timestamp: number | undefined;

  constructor(statusCode: number, reason: string, timestamp?: number, options?: { cause?: unknown }) {
    super('PUSHMUX_APNS_ERROR_RESPONSE', `APNs answered ${statusCode} ${reason}`, {
      statusCode,
      body: timestamp === undefined ? { reason } : { reason, timestamp },
    }, options);
    this.name = 'ApnsResponseError';
    this.reason = reason;
    this.timestamp = timestamp;
  }
}
