/**
 * The storage port of the scoring engine. Implementations: `MemoryScoringStore` (embedded, one process)
 * and `RedisScoringStore` (shared by every gateway instance). Both run the same contract suite.
 */
import type { Forgetting } from '../change-detection.js';
import type { StatEntry } from '../stats.js';

/** Where decayed outcome counters live between snapshots. */
export interface ScoringStore {
  /**
   * Adds a batch of increments to an app's counters. Each entry is valued at its own `at`; the store
   * merges it with the stored value by decaying both to the later timestamp (see `stats.ts`), then
   * forgets the history before a detected change (see `change-detection.ts`), atomically per entry, so
   * concurrent writers never lose an update.
   */
  apply(app: string, entries: readonly StatEntry[], forgetting: Forgetting): Promise<void>;
  /** Every counter of the given apps, each valued at its stored `at` (the caller decays to now). */
  load(apps: readonly string[]): Promise<Map<string, StatEntry[]>>;
  /** Releases what the store owns (not a client it was given). */
  close(): Promise<void>;
}
