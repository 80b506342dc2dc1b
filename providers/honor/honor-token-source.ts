import { OAuthTokenSource, type OAuthTokenSourceOptions } from '../shared/oauth-token-source.js';
import { HonorAuthError } from './honor-errors.js';

export type HonorTokenSourceOptions = OAuthTokenSourceOptions;

/**
 * Honor IAM client-credentials tokens (`POST https://iam.developer.honor.com/auth/token`; the same flow
 * as Huawei's), cached until shortly before expiry. `invalidate()` drops the cached token when Honor
 * says it expired (80200003) or was refused (401). Failures throw {@link HonorAuthError}.
 */
export class HonorTokenSource extends OAuthTokenSource {
  constructor(options: HonorTokenSourceOptions) {
    super(options, { deadlineName: 'honor-oauth', label: 'Honor token endpoint', authError: (message, details, errorOptions) => new HonorAuthError(message, details, errorOptions) });
  }
}
