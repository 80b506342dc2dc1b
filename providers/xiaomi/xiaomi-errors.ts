import { ProviderResponseError } from '../resilience/provider-errors.js';

/** MiPush answered with an error: `xiaomiCode` is its numeric code (21301, 10034, ...). */
export class XiaomiResponseError extends ProviderResponseError {
  readonly xiaomiCode: number | undefined;

  constructor(statusCode: number, xiaomiCode: number | undefined, reason: string) {
    super('PUSHMUX_XIAOMI_ERROR_RESPONSE', `MiPush answered ${statusCode}${xiaomiCode === undefined ? '' : ` code ${xiaomiCode}`}: ${reason}`, {
      statusCode,
      body: { code: xiaomiCode, reason },
    });
    this.name = 'XiaomiResponseError';
    this.xiaomiCode = xiaomiCode;
  }
}
