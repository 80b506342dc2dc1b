import type { SendOutcome } from '../provider.js';

/** The shape of firebase-admin's errors (FirebaseMessagingError, FirebaseAppError). */
export interface FirebaseLikeError {
  code?: unknown;
  message?: unknown;
}

/**
 * Maps a firebase-admin per-message error to an outcome, per FCM's table (reference §2). firebase-admin
 * folds FCM's `errorCode` into its own `messaging/...` codes; where it folds two cases into one
 * (`INVALID_ARGUMENT` for a bad token or a bad message; `PERMISSION_DENIED` for a foreign token or a
 * missing IAM role), the server's message tells them apart. `retryAfterMs` is the Retry-After FCM sent
 * with a 429 or 503 of the call, if any; only quota and availability errors take it.
 */
export function classifyFcmError(error: unknown, retryAfterMs?: number): SendOutcome {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as FirebaseLikeError;
  const text = typeof message === 'string' ? message : '';
  const withDelay = (reason: string): SendOutcome =>
    retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  switch (code) {
    case 'messaging/registration-token-not-registered':
      return { kind: 'invalid-token', reason: 'UNREGISTERED' };
    case 'messaging/invalid-registration-token':
      return { kind: 'invalid-token', reason: 'INVALID_ARGUMENT' };
    case 'messaging/invalid-argument':
      return /registration token/i.test(text)
        ? { kind: 'invalid-token', reason: 'INVALID_ARGUMENT' }
        : { kind: 'rejected', reason: 'INVALID_ARGUMENT' };
    case 'messaging/mismatched-credential':
      // SENDER_ID_MISMATCH: the token belongs to another Firebase project. Anything else here is IAM.
      return /sender ?id/i.test(text)
        ? { kind: 'invalid-token', reason: 'SENDER_ID_MISMATCH' }
        : { kind: 'auth-error', reason: 'PERMISSION_DENIED' };
    case 'messaging/message-rate-exceeded':
      return withDelay('QUOTA_EXCEEDED');
    case 'messaging/device-message-rate-exceeded':
      return withDelay('device-rate-limited');
    case 'messaging/server-unavailable':
      return withDelay('UNAVAILABLE');
    // Retry-After belongs to 429/503 answers; the hint of the call is not applied to these.
    case 'messaging/internal-error':
      return { kind: 'retry', reason: 'INTERNAL' };
    case 'messaging/unknown-error':
      return { kind: 'retry', reason: 'UNKNOWN' };
    case 'messaging/third-party-auth-error':
      return { kind: 'auth-error', reason: /third.party|apns|web push/i.test(text) ? 'THIRD_PARTY_AUTH_ERROR' : 'UNAUTHENTICATED' };
    case 'messaging/authentication-error':
      return { kind: 'auth-error', reason: 'UNAUTHENTICATED' };
    case 'messaging/payload-size-limit-exceeded':
    case 'messaging/invalid-payload':
    case 'messaging/invalid-data-payload-key':
    case 'messaging/invalid-options':
    case 'messaging/invalid-package-name':
    case 'messaging/invalid-recipient':
      return { kind: 'rejected', reason: String(code).slice('messaging/'.length) };
    case 'app/network-timeout':
      return { kind: 'retry', reason: 'timeout' };
    case 'app/network-error':
      return { kind: 'retry', reason: 'network' };
    default:
      return { kind: 'retry', reason: typeof code === 'string' ? code : 'unknown' };
  }
}
