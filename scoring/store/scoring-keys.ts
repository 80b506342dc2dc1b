/**
 * Every Redis key of the scoring store, built in one place. Keys are hash-tagged per app
 * (`{<prefix>:<app>}`) so everything one script touches lives in one Redis Cluster slot.
 */

/** Key builder for one prefix. */
export class ScoringKeys {
  constructor(private readonly prefix: string) {}

  /** The app's counters: one hash, field "<class key> TAB <provider>" (it is also the app's index). */
  stats(app: string): string {
    return `{${this.prefix}:${app}}:scores:stats`;
  }
}
