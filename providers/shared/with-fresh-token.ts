import type { SendOutcome } from '../provider.js';
import { classifyTransportError } from '../resilience/transport-errors.js';

/** The provider-specific steps of {@link withFreshToken}; `A` is the provider's answer. */
export interface FreshTokenSteps<A> {
  /** A valid access token (cached); throws when none can be had. */
  token(): Promise<string>;
  /** Drops `token` if it is still the cached one. */
  invalidate(token: string): void;
  /** The outcome for every target when no token can be had. */
  authFailure(error: unknown): SendOutcome;
  /** The send itself: per-target outcomes when it went through, or the failed answer. Throws only for transport failures. */
  call(token: string): Promise<SendOutcome[] | A>;
  /** The answer says the token expired early or was revoked. */
  stale(answer: A): boolean;
  /** The outcome for every target of a failed answer. */
  fail(answer: A): SendOutcome;
}

/**
 * Runs `steps.call` for `count` targets with the cached token, and once more with a fresh one when the
 * answer says the token is stale; after that the answer stands. Answers one outcome per target.
 */
export async function withFreshToken<A>(count: number, steps: FreshTokenSteps<A>): Promise<SendOutcome[]> {
  const all = (outcome: SendOutcome): SendOutcome[] => Array.from({ length: count }, () => outcome);
  for (let attempt = 1; ; attempt += 1) {
    let token: string;
    try {
      token = await steps.token();
    } catch (error) {
      return all(steps.authFailure(error));
    }
    let result: SendOutcome[] | A;
    try {
      result = await steps.call(token);
    } catch (error) {
      return all(classifyTransportError(error));
    }
    if (Array.isArray(result)) return result;
    if (steps.stale(result) && attempt === 1) {
      steps.invalidate(token);
      continue;
    }
    return all(steps.fail(result));
  }
}
