/**
 * The in-memory `ScoringStore`: the embedded default, and the store of the routing benchmark. Several
 * engines may share one instance to simulate gateway instances sharing a Redis.
 */
import { statField } from '../device-class.js';
import { forgetBeforeChange, type Forgetting } from '../change-detection.js';
import { mergeCounters, type StatEntry } from '../stats.js';
import type { ScoringStore } from './scoring-store.js';

/** Keeps every app's counters in maps; `apply` and `load` copy, so callers never share objects. */
export class MemoryScoringStore implements ScoringStore {
  private readonly apps = new Map<string, Map<string, StatEntry>>();

  /** Merges the entries into the app's counters (decay to the later timestamp, add, detect a change). */
  async apply(app: string, entries: readonly StatEntry[], forgetting: Forgetting): Promise<void> {
    let stats = this.apps.get(app);
    if (stats === undefined) {
      stats = new Map();
      this.apps.set(app, stats);
    }
    for (const entry of entries) {
      const field = statField(entry.classKey, entry.provider);
      let current = stats.get(field);
      if (current === undefined) {
        current = { ...entry };
        stats.set(field, current);
      } else {
        mergeCounters(current, entry, forgetting);
      }
      forgetBeforeChange(current, forgetting.changeThreshold);
    }
  }

  /** Copies of every counter of the given apps (apps without data map to an empty list). */
  async load(apps: readonly string[]): Promise<Map<string, StatEntry[]>> {
    const out = new Map<string, StatEntry[]>();
    for (const app of apps) {
      out.set(app, [...(this.apps.get(app)?.values() ?? [])].map((e) => ({ ...e })));
    }
    return out;
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}
