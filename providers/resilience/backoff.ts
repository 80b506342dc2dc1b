/** Exponential backoff shape: the cap grows as `baseMs * 2^(attempt-1)` up to `maxMs`. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * "Full jitter" backoff (AWS architecture blog; centrifuge-js `backoff()`): a uniformly random delay
 * between 0 and the exponential cap. Spreads retries of many callers that failed together.
 * `attempt` counts retries from 1.
 */
export function fullJitterBackoffMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  // 2^exponent overflows to Infinity long after the cap applies; Math.min keeps it finite.
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(exponent, 52));
  return Math.floor(random() * cap);
}

/**
 * Delay before retry number `attempt`: what the provider asked for (Retry-After) when it said so, plus a
 * little jitter (at most 10%, at most `baseMs`) so callers told the same instant do not return together;
 * otherwise full-jitter exponential backoff.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) {
    const spread = Math.min(retryAfterMs * 0.1, options.baseMs);
    return Math.ceil(retryAfterMs + random() * spread);
  }
  return fullJitterBackoffMs(attempt, options, random);
}
