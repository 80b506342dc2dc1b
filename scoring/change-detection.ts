/**
 * Change detection per (class node, provider). Exponential decay alone reacts slowly to a provider that
 * collapses: once the policy routes away from it, hardly any fresh outcomes arrive, and the long-run
 * counters stay frozen at a blend of the old good history and the few new failures (both decay at the
 * same rate, so the blend never moves). The posterior then sits halfway, Thompson sampling keeps trying
 * the dead provider, and after it recovers the same blend hides the fix.
 *
 * So each counter also keeps its outcomes on a short half-life. When those recent outcomes disagree
 * with the older ones (the long-run counters minus the recent part) beyond what sampling noise
 * explains — a two-proportion z-test, |z| > threshold — the history before the change is forgotten: the
 * long-run successes and failures are replaced by the recent ones, and the recent window starts empty.
 * The reset is stored, so it sticks even when only sparse exploration reaches the provider afterwards.
 * Latency counters are left alone.
 *
 * The memory store, the engine's snapshot and `includes/forgetBeforeChange.lua` apply exactly this rule
 * after every merge. A reset depends on the state it sees, so unlike plain merges it does not commute;
 * it only fires on a real disagreement, where any order forgets the same stale history.
 */
import type { DecayRates, StatCounters } from './stats.js';

/** How stored counters forget: gradually on two half-lives, and at once after a detected change. */
export interface Forgetting extends DecayRates {
  /** |z| beyond which recent and older outcomes disagree; 0 turns resets off. */
  changeThreshold: number;
}

/**
 * The two-proportion z-score of the recent outcomes against the older ones (positive: recent is
 * better), or 0 when either side has less than one effective sample.
 */
export function changeScore(c: StatCounters): number {
  const recentN = c.recentSuccesses + c.recentFailures;
  const olderS = Math.max(0, c.successes - c.recentSuccesses);
  const olderN = olderS + Math.max(0, c.failures - c.recentFailures);
  if (recentN < 1 || olderN < 1) return 0;
  // Pooled rate under "no change", with a uniform prior so p(1 - p) is never 0.
  const p = (c.successes + 1) / (c.successes + c.failures + 2);
  const se = Math.sqrt(p * (1 - p) * (1 / recentN + 1 / olderN));
  return (c.recentSuccesses / recentN - olderS / olderN) / se;
}

/** Replaces the long-run successes and failures by the recent ones when they disagree; true if it did. */
export function forgetBeforeChange(c: StatCounters, changeThreshold: number): boolean {
  if (changeThreshold <= 0 || Math.abs(changeScore(c)) <= changeThreshold) return false;
  c.successes = c.recentSuccesses;
  c.failures = c.recentFailures;
  // The recent window restarts: it held outcomes from before the change too, and the next test must
  // compare only what came after this reset against it, so a second reset can drop that remainder.
  c.recentSuccesses = 0;
  c.recentFailures = 0;
  return true;
}
