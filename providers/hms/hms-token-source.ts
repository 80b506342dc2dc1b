import { OAuthTokenSource, type OAuthTokenSourceOptions } from '../shared/oauth-token-source.js';
import { HmsAuthError } from './hms-errors.js';

export type HmsTokenSourceOptions = OAuthTokenSourceOptions;

/**
 * Huawei OAuth 2.0 client-credentials tokens (`POST /oauth2/v3/token`), cached until shortly before
 * expiry. `invalidate()` drops the cached token when Push Kit says it expired (80200003) or was refused
 * (401). Failures throw {@link HmsAuthError}.
 */
export class HmsTokenSource extends OAuthTokenSource {
  constructor(options: HmsTokenSourceOptions) {
    super(options, { deadlineName: 'hms-oauth', label: 'Huawei OAuth endpoint', authError: (message, details, errorOptions) => new HmsAuthError(message, details, errorOptions) });
  }
}
