/**
 * Reconnect delay with full jitter, as centrifuge-js's `backoff()`: a random point below an
 * exponentially growing cap, so a fleet that lost its node does not come back in one wave.
 */
export function backoff(attempt: number, minDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const step = Math.min(attempt, 31);
  const interval = Math.floor(random() * Math.min(maxDelayMs, minDelayMs * 2 ** step));
  return Math.min(maxDelayMs, minDelayMs + interval);
}
