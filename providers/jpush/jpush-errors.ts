import { ProviderResponseError } from '../resilience/provider-errors.js';

/** JPush answered with an error: `jpushCode` is its numeric code (1011, 2002, ...). */
export class JPushResponseError extends ProviderResponseError {
  readonly jpushCode: number | undefined;

  constructor(statusCode: number, jpushCode: number | undefined, message: string, headers?: Record<string, string | string[] | undefined>) {
    super('PUSHMUX_JPUSH_ERROR_RESPONSE', `JPush answered ${statusCode}${jpushCode === undefined ? '' : ` code ${jpushCode}`}: ${message}`, {
      statusCode,
      body: { code: jpushCode, message },
      ...(headers === undefined ? {} : { headers }),
    });
    this.name = 'JPushResponseError';
    this.jpushCode = jpushCode;
  }
}
