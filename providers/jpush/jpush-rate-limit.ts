/** Header values as undici hands them over. */
type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): number | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

/**
 * What JPush's `X-Rate-Limit-Quota`, `-Remaining` and `-Reset` (seconds left in the window) headers say.
 * Once `Remaining` reaches 0, calls are held back until the window resets instead of being spent on
 * 2002 answers.
 */
export class JPushRateLimitState {
  quota: number | undefined;
  remaining: number | undefined;
  private resetAt = 0;

  /** Records the headers of any answer (success or error). */
  update(headers: Headers, nowMs: number = Date.now()): void {
    const quota = header(headers, 'x-rate-limit-quota');
    const remaining = header(headers, 'x-rate-limit-remaining');
    const reset = header(headers, 'x-rate-limit-reset');
    if (quota !== undefined) this.quota = quota;
    if (remaining !== undefined) this.remaining = remaining;
    if (reset !== undefined) this.resetAt = nowMs + reset * 1000;
  }

  /** Milliseconds until the window resets when the quota is used up; 0 when calls may go. */
  blockedForMs(nowMs: number = Date.now()): number {
    if (this.remaining !== 0) return 0;
    const wait = this.resetAt - nowMs;
    if (wait <= 0) {
      // The window has rolled over: the next answer will tell the new numbers.
      this.remaining = undefined;
      return 0;
    }
    return wait;
  }

  /** Milliseconds until the window resets, if JPush said (for a 2002 answer's retryAfterMs). */
  resetInMs(nowMs: number = Date.now()): number | undefined {
    const wait = this.resetAt - nowMs;
    return wait > 0 ? wait : undefined;
  }
}
