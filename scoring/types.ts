/**
 * The public shapes of the scoring library: what the pipeline passes in (device class, outcome, rules,
 * config) and what the `/scores` endpoint reads back (score rows).
 */

/** A device class. Values are matched case-insensitively; the engine lowercases and trims them. */
export interface DeviceClass {
  platform: string;
  brand?: string;
  model?: string;
}

/** What happened to one first attempt: acked in time (with its latency) or not. */
export interface Outcome {
  delivered: boolean;
  latencyMs?: number;
}

/** The ranking policies; Thompson sampling is the default. */
export type PolicyName = 'thompson' | 'ucb' | 'greedy';

/**
 * One per-device-type rule from the app's config. `match` fields take `*` wildcards and are compared
 * case-insensitively; an absent field matches anything. See `rules.ts` for the precedence.
 */
export interface RoutingRule {
  match: { platform?: string; brand?: string; model?: string };
  /** Providers to try first, in this order, ahead of the policy's ranking. */
  prefer?: string[];
  /** The only provider to use (when eligible and not denied). */
  pin?: string;
  /** When set, only these providers may be ranked. */
  allow?: string[];
  /** Never rank these providers. */
  deny?: string[];
  /** Ack deadline for attempts on this class; the pipeline reads it from `effectiveRule`. */
  deadlineMs?: number;
  policy?: PolicyName;
  /** Overrides `ScoringConfig.exploration` for this class. */
  exploration?: number;
}

/** Engine configuration; every field has a default (see `config.ts`). */
export interface ScoringConfig {
  /** Half-life of the exponential decay of every counter, in seconds. Default 1800. */
  halfLifeSeconds: number;
  /**
   * Half-life, in seconds, of the recent counters kept beside the long-run ones for change detection
   * (see change-detection.ts); at most `halfLifeSeconds` to be useful. 0 turns change detection off.
   * Default 60.
   */
  recentHalfLifeSeconds: number;
  /**
   * How far (|z| of a two-proportion test) recent outcomes must disagree with older ones before the
   * older history is forgotten. Higher resets less often on noise; 0 turns resets off. Default 4.
   */
  changeThreshold: number;
  /** Default policy. Default 'thompson'. */
  policy: PolicyName;
  /**
   * Upper bound, in [0, 1], on the share of a class's first picks that may go to a provider other than
   * the one with the best expected utility (the greedy choice). Thompson and UCB explore on their own;
   * this caps how much. 0 turns every policy greedy, 1 leaves the policy unbounded. Default 0.1.
   */
  exploration: number;
  /**
   * How close, in standard deviations of the difference of the two posteriors, an arm's mean utility
   * must be to the greedy arm's for an exploratory pick of it to stand (see exploration-gate.ts): the
   * budget goes to arms that may still be the best, not to confidently bad ones. Thompson only (UCB's
   * optimism is left alone). 0 turns the gate off. Default 2.
   */
  explorationOverlap: number;
  /** Utility lost per second of expected ack latency (utility is in delivery-probability units). */
  latencyWeight: number;
  /** Per-provider cost subtracted from the utility, in delivery-probability units (e.g. sms: 0.3). */
  costs: Record<string, number>;
  /**
   * Per-app overrides of `costs`, by app id then provider (an app whose SMS contract is cheaper or
   * dearer than the default). A provider an app does not name costs what `costs` says. Default {}.
   */
  appCosts: Record<string, Record<string, number>>;
  /** How often `start()` reloads the snapshot from the store, in ms. Default 2000. */
  snapshotRefreshMs: number;
  /** Routing rules per app id. */
  rules: Record<string, RoutingRule[]>;
  /**
   * Maximum strength, in effective samples, of the prior a level inherits from its parent (model from
   * brand, brand from platform). Once a model has more samples than this its own data dominates.
   * Default 10.
   */
  priorStrength: number;
  /** How often `start()` flushes buffered outcomes to the store, in ms. Default 500. */
  flushIntervalMs: number;
}

/** Levels of the device-class hierarchy. */
export type ScoreLevel = 'platform' | 'brand' | 'model';

/** One row of the scoring table: a class node × provider. */
export interface ScoreRow {
  level: ScoreLevel;
  platform: string;
  brand?: string;
  model?: string;
  provider: string;
  /** Posterior mean delivery probability, shrunk towards the parent level. */
  estimate: number;
  /** 95% credible interval of the posterior. */
  lower: number;
  upper: number;
  /** Decayed (effective) number of outcomes recorded at this node. */
  samples: number;
  /** Decayed mean ack latency of delivered outcomes, when any carried a latency. */
  latencyMs?: number;
}

/** Passed to `ScoringEngine.onRecord` for every recorded outcome (brand-level, for low-cardinality metrics). */
export interface RecordEvent {
  app: string;
  platform: string;
  brand?: string;
  provider: string;
  delivered: boolean;
  latencyMs?: number;
}
