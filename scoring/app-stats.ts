/**
 * One app's counters inside the engine's in-process snapshot: class key → provider → counters. The
 * generation changes on every write so cached per-class posteriors know when to recompute.
 */
import { forgetBeforeChange, type Forgetting } from './change-detection.js';
import { mergeCounters, type StatCounters, type StatEntry } from './stats.js';

/** The snapshot of one app. */
export class AppStats {
  readonly nodes = new Map<string, Map<string, StatCounters>>();
  generation = 0;
  /** Empirical-Bayes prior strengths per parent stat field, set at refresh (see prior-strength.ts). */
  priorStrengths: ReadonlyMap<string, number> = new Map();

  /**
   * Adds an entry (decayed merge, then change detection as the stores do); used for loads and for
   * local records between refreshes.
   */
  merge(entry: StatEntry, forgetting: Forgetting): void {
    let providers = this.nodes.get(entry.classKey);
    if (providers === undefined) {
      providers = new Map();
      this.nodes.set(entry.classKey, providers);
    }
    const current = providers.get(entry.provider);
    if (current === undefined) {
      providers.set(entry.provider, {
        successes: entry.successes,
        failures: entry.failures,
        latencySum: entry.latencySum,
        latencyCount: entry.latencyCount,
        recentSuccesses: entry.recentSuccesses,
        recentFailures: entry.recentFailures,
        at: entry.at,
      });
    } else {
      mergeCounters(current, entry, forgetting);
      forgetBeforeChange(current, forgetting.changeThreshold);
    }
    this.generation++;
  }

  /** The counters of one node and provider, if any were recorded. */
  get(classKey: string, provider: string): StatCounters | undefined {
    return this.nodes.get(classKey)?.get(provider);
  }
}
