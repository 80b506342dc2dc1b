/**
 * Recovery after an event: the first bucket from which the adaptive strategy stays within a share of
 * the oracle (expected in-time delivery, so the series is not sampling noise) until the window ends.
 */

/** Expected per-strategy sums over one time bucket. */
export interface RatioBucket {
  count: number;
  expected: { adaptive: number; oracle: number };
}

/**
 * Minutes after `fromMs` until adaptive ≥ `share` × oracle in every bucket up to `untilMs`; 0 when it
 * never dropped, null when it never got back.
 */
export function minutesToRecover(buckets: readonly RatioBucket[], bucketMs: number, fromMs: number, untilMs: number, share = 0.95): number | null {
  const first = Math.floor(fromMs / bucketMs);
  const last = Math.min(buckets.length, Math.ceil(untilMs / bucketMs)) - 1;
  let recoveredFrom: number | null = first;
  for (let i = first; i <= last; i++) {
    const b = buckets[i];
    if (b === undefined || b.count === 0) continue;
    if (b.expected.adaptive < share * b.expected.oracle) recoveredFrom = i + 1 <= last ? i + 1 : null;
  }
  return recoveredFrom === null ? null : ((recoveredFrom - first) * bucketMs) / 60_000;
}

/** adaptive / oracle per bucket, rounded (for the regret-over-time and recovery series). */
export function ratios(buckets: readonly RatioBucket[]): number[] {
  return buckets.map((b) => (b.expected.oracle > 0 ? Math.round((b.expected.adaptive / b.expected.oracle) * 1000) / 1000 : 1));
}
