import { GatewayError } from '../../src/errors/index.js';

/**
 * A receipt whose signature (or URL secret) is missing or wrong: the route answers 401 and changes
 * nothing. `reason` is a short stable token (`missing`, `mismatch`, `stale`) for logs and metrics.
 */
export class ReceiptSignatureError extends GatewayError {
  readonly provider: string;
  readonly reason: 'missing' | 'mismatch' | 'stale' | 'malformed';

  constructor(provider: string, reason: ReceiptSignatureError['reason'], detail: string) {
    super('PUSHMUX_RECEIPT_SIGNATURE', `${provider} receipt: ${detail}`);
    this.name = 'ReceiptSignatureError';
    this.provider = provider;
    this.reason = reason;
  }
}

/** A correctly signed receipt whose body cannot be read: the route answers 400. */
export class ReceiptFormatError extends GatewayError {
  readonly provider: string;

  constructor(provider: string, detail: string) {
    super('PUSHMUX_RECEIPT_MALFORMED', `${provider} receipt: ${detail}`);
    this.name = 'ReceiptFormatError';
    this.provider = provider;
  }
}
