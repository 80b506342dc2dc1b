/**
 * Time-decayed counters. Every value is stored "as of" a timestamp; reading it at a later time scales
 * it by 2^(-elapsed / halfLife). Merging two counters values both at the later of their timestamps, so
 * merges commute: concurrent recorders add up to the same total whatever the order (the Redis script
 * `includes/decayMerge.lua` applies exactly this rule).
 *
 * Beside the long-run successes and failures, each counter keeps the same outcomes on a much shorter
 * half-life (`recent*`): change detection (see change-detection.ts) compares the two.
 */

/** Decayed counters for one (class node, provider), valued at `at` (epoch ms). */
export interface StatCounters {
  successes: number;
  failures: number;
  /** Sum of ack latencies (ms) of delivered outcomes that carried one. */
  latencySum: number;
  latencyCount: number;
  /** Successes and failures again, decayed on the recent half-life (0 when no recent half-life is set). */
  recentSuccesses: number;
  recentFailures: number;
  at: number;
}

/** Counters for one stat field of an app: class key (see `device-class.ts`) and provider. */
export interface StatEntry extends StatCounters {
  classKey: string;
  provider: string;
}

/** The two half-lives counters decay on, in ms. `recentHalfLifeMs` 0 keeps no recent counters. */
export interface DecayRates {
  halfLifeMs: number;
  recentHalfLifeMs: number;
}

/** The factor a value recorded at `from` keeps at `to`; timestamps in the future count as now. */
export function decayFactor(from: number, to: number, halfLifeMs: number): number {
  if (to <= from) return 1;
  return halfLifeMs > 0 ? Math.pow(2, -(to - from) / halfLifeMs) : 0;
}

/** Adds `delta` into `target` (mutated), both decayed to the later timestamp. */
export function mergeCounters(target: StatCounters, delta: StatCounters, rates: DecayRates): void {
  const at = Math.max(target.at, delta.at);
  const kt = decayFactor(target.at, at, rates.halfLifeMs);
  const kd = decayFactor(delta.at, at, rates.halfLifeMs);
  const rt = decayFactor(target.at, at, rates.recentHalfLifeMs);
  const rd = decayFactor(delta.at, at, rates.recentHalfLifeMs);
  target.successes = target.successes * kt + delta.successes * kd;
  target.failures = target.failures * kt + delta.failures * kd;
  target.latencySum = target.latencySum * kt + delta.latencySum * kd;
  target.latencyCount = target.latencyCount * kt + delta.latencyCount * kd;
  target.recentSuccesses = target.recentSuccesses * rt + delta.recentSuccesses * rd;
  target.recentFailures = target.recentFailures * rt + delta.recentFailures * rd;
  target.at = at;
}

/** The counters as they read at `now` (a copy). */
export function countersAt(stat: StatCounters, now: number, rates: DecayRates): StatCounters {
  const k = decayFactor(stat.at, now, rates.halfLifeMs);
  const r = decayFactor(stat.at, now, rates.recentHalfLifeMs);
  return {
    successes: stat.successes * k,
    failures: stat.failures * k,
    latencySum: stat.latencySum * k,
    latencyCount: stat.latencyCount * k,
    recentSuccesses: stat.recentSuccesses * r,
    recentFailures: stat.recentFailures * r,
    at: Math.max(stat.at, now),
  };
}

/** Zeroed counters at `at`. */
export function emptyCounters(at: number): StatCounters {
  return { successes: 0, failures: 0, latencySum: 0, latencyCount: 0, recentSuccesses: 0, recentFailures: 0, at };
}
