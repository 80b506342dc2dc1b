/**
 * Time-decayed counters. Every value is stored "as of" a timestamp; reading it at a later time scales
 * it by 2^(-elapsed / halfLife). Merging two counters values both at the later of their timestamps, so
 * merges commute: concurrent recorders add up to the same total whatever the order (the Redis script
 * `includes/decayMerge.lua` applies exactly this rule).
 */

/** Decayed counters for one (class node, provider), valued at `at` (epoch ms). */
export interface StatCounters {
  successes: number;
  failures: number;
  /** Sum of ack latencies (ms) of delivered outcomes that carried one. */
  latencySum: number;
  latencyCount: number;
  at: number;
}

/** Counters for one stat field of an app: class key (see `device-class.ts`) and provider. */
export interface StatEntry extends StatCounters {
  classKey: string;
  provider: string;
}

/** The factor a value recorded at `from` keeps at `to`; timestamps in the future count as now. */
export function decayFactor(from: number, to: number, halfLifeMs: number): number {
  return to <= from ? 1 : Math.pow(2, -(to - from) / halfLifeMs);
}

/** Adds `delta` into `target` (mutated), both decayed to the later timestamp. */
export function mergeCounters(target: StatCounters, delta: StatCounters, halfLifeMs: number): void {
  const at = Math.max(target.at, delta.at);
  const kt = decayFactor(target.at, at, halfLifeMs);
  const kd = decayFactor(delta.at, at, halfLifeMs);
  target.successes = target.successes * kt + delta.successes * kd;
  target.failures = target.failures * kt + delta.failures * kd;
  target.latencySum = target.latencySum * kt + delta.latencySum * kd;
  target.latencyCount = target.latencyCount * kt + delta.latencyCount * kd;
  target.at = at;
}

/** The counters as they read at `now` (a copy). */
export function countersAt(stat: StatCounters, now: number, halfLifeMs: number): StatCounters {
  const k = decayFactor(stat.at, now, halfLifeMs);
  return {
    successes: stat.successes * k,
    failures: stat.failures * k,
    latencySum: stat.latencySum * k,
    latencyCount: stat.latencyCount * k,
    at: Math.max(stat.at, now),
  };
}

/** Zeroed counters at `at`. */
export function emptyCounters(at: number): StatCounters {
  return { successes: 0, failures: 0, latencySum: 0, latencyCount: 0, at };
}
