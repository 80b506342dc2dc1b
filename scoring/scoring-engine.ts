/**
 * The scoring engine: ranks providers for a device class from an in-process snapshot (synchronous, no
 * I/O per message) and learns from outcomes, which it buffers and flushes to a `ScoringStore` in batches.
 * Several engines (gateway instances) share one store; each sees the others' outcomes at its next
 * snapshot refresh and its own at once.
 */
import { AppStats } from './app-stats.js';
import type { Forgetting } from './change-detection.js';
import { betaInterval } from './beta-math.js';
import { resolveScoringConfig } from './config.js';
import { levelKeys, normalizeClass, parseClassKey, statField, type NormalizedClass } from './device-class.js';
import { betaVariance, overlapsBest } from './exploration-gate.js';
import { lastResortIndex } from './last-resort.js';
import { greedyIndex, pickIndex, type Arm } from './policy.js';
import { pathPosteriors, type Posterior } from './posterior.js';
import { estimatePriorStrengths } from './prior-strength.js';
import { Sampler, type RandomSource } from './random.js';
import { applyRule, applyRuleToOwnChannels, compileRules, mergeRules, type EffectiveRule } from './rules.js';
import { countersAt, mergeCounters, type StatCounters, type StatEntry } from './stats.js';
import type { ScoringStore } from './store/scoring-store.js';
import type { DeviceClass, Outcome, PolicyName, RecordEvent, RoutingRule, ScoreRow, ScoringConfig } from './types.js';

/** Filter of `ScoringEngine.table`: rows whose platform/brand/model equal these (case-insensitive). */
export interface ScoreFilter {
  platform?: string;
  brand?: string;
  model?: string;
}

/** The engine's public API; see `createScoringEngine`. */
export interface ScoringEngine {
  /**
   * Ranks `eligible` for a device class, best first: applies the class's rule (deny > pin > allow >
   * prefer) then the policy. Synchronous, from the snapshot. Denied providers are left out, so the
   * answer may be shorter than `eligible` (or empty).
   */
  rank(app: string, cls: DeviceClass, eligible: readonly string[]): string[];
  /**
   * Where a paid last-resort channel (`sms`) goes in `ranked` (a `rank` answer for the same class): the
   * index just after the last provider whose expected utility (mean delivery − latency − the app's
   * cost) is at least the channel's. Decided by expected utility, never by a policy draw, so
   * exploration never puts a paid text first by chance; see last-resort.ts. Synchronous, from the
   * snapshot.
   */
  lastResortIndex(app: string, cls: DeviceClass, ranked: readonly string[], channel: string): number;
  /**
   * Which of pushmux's own channels (`longconn`, `sms`: never ranked, placed by the pipeline) the
   * class's rule lets into a plan: only a rule that names them (deny, or a pin on one) moves them; see
   * `applyRuleToOwnChannels`. `own`: the own channels the delivery could use or has used. `pinned`: a
   * pin on an own channel is in force and the plan takes no provider. Synchronous.
   */
  ownChannels(app: string, cls: DeviceClass, own: readonly string[]): { admitted: readonly string[]; pinned: boolean };
  /** The class's merged rule after precedence (the pipeline reads `deadlineMs` from it). */
  effectiveRule(app: string, cls: DeviceClass): RoutingRule | undefined;
  /** Records a first-attempt outcome; buffered, visible to this engine's `rank` at once. */
  record(app: string, cls: DeviceClass, provider: string, outcome: Outcome): void;
  /** Writes buffered outcomes to the store; on failure they stay buffered and the error is thrown. */
  flush(): Promise<void>;
  /** Reloads the snapshot of every app in use from the store (plus outcomes not flushed yet). */
  refresh(): Promise<void>;
  /** The scoring table of an app: one row per class node (platform, brand, model) and provider. */
  table(app: string, filter?: ScoreFilter): ScoreRow[];
  /** Starts the snapshot refresh and flush timers (unref'd: they never hold the process open). */
  start(): void;
  /** Stops the timers and flushes. Does not close the store (the caller owns it). */
  close(): Promise<void>;
  /** Called for every `record` (brand level only: keep metric labels low-cardinality). */
  onRecord?: ((event: RecordEvent) => void) | undefined;
  /** Called with errors of background flushes and refreshes (started by `start()` or a full buffer). */
  onError?: ((error: unknown) => void) | undefined;
}

/** Options of `createScoringEngine`. */
export interface ScoringEngineOptions {
  store: ScoringStore;
  config: Partial<ScoringConfig>;
  /** Epoch ms; injectable so tests and the simulation control time. Default Date.now. */
  clock?: () => number;
  /** Uniform [0, 1) source for Thompson sampling. Default Math.random. */
  random?: RandomSource;
}

/** Cached posteriors of one class older than this (ms of the engine clock) are recomputed. */
const ARM_TTL_MS = 1000;
/** Weight of the newest pick in a class's moving share of exploratory picks. */
const EXPLORE_EMA = 1 / 32;
/** Buffered stat fields that trigger a flush without waiting for the timer. */
const MAX_BUFFERED = 20_000;
/** Bound on the per-class cache; cleared wholesale when exceeded (classes re-resolve cheaply). */
const MAX_CLASSES = 200_000;

/** Per (app, raw class) state: resolved keys and rule, cached arms, exploration share. */
interface ClassState {
  app: string;
  cls: NormalizedClass;
  keys: string[];
  rule: EffectiveRule | undefined;
  policy: PolicyName;
  exploration: number;
  generation: number;
  computedAt: number;
  arms: Map<string, Arm>;
  exploreShare: number;
}

class DefaultScoringEngine implements ScoringEngine {
  onRecord: ((event: RecordEvent) => void) | undefined;
  onError: ((error: unknown) => void) | undefined;

  private readonly config: Readonly<ScoringConfig>;
  private readonly forgetting: Forgetting;
  private readonly store: ScoringStore;
  private readonly clock: () => number;
  private readonly sampler: Sampler;
  private readonly rules = new Map<string, ReturnType<typeof compileRules>>();
  private readonly apps = new Set<string>();
  private readonly classes = new Map<string, ClassState>();
  private snapshot = new Map<string, AppStats>();
  private buffer = new Map<string, Map<string, StatEntry>>();
  private buffered = 0;
  // flush and refresh run one at a time, so a refresh sees exactly store + still-buffered outcomes.
  private io: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];

  constructor(opts: ScoringEngineOptions) {
    this.config = resolveScoringConfig(opts.config);
    this.forgetting = {
      halfLifeMs: this.config.halfLifeSeconds * 1000,
      recentHalfLifeMs: this.config.recentHalfLifeSeconds * 1000,
      changeThreshold: this.config.changeThreshold,
    };
    this.store = opts.store;
    this.clock = opts.clock ?? Date.now;
    this.sampler = new Sampler(opts.random ?? Math.random);
    for (const [app, rules] of Object.entries(this.config.rules)) {
      this.rules.set(app, compileRules(rules));
      this.apps.add(app);
    }
  }

  rank(app: string, cls: DeviceClass, eligible: readonly string[]): string[] {
    const state = this.classState(app, cls);
    const { head, rest, pinned } = applyRule(state.rule, eligible);
    if (pinned || rest.length === 0) return head;
    if (rest.length === 1) {
      head.push(rest[0] as string);
      return head;
    }
    const arms = rest.map((p) => this.arm(state, p));
    const greedy = greedyIndex(arms);
    let pick = state.exploration <= 0 ? greedy : pickIndex(state.policy, arms, this.sampler);
    // Thompson's draws land on confidently bad arms too; spend the exploration budget only on arms that
    // may still be the best (UCB's optimism is deterministic and left as it is).
    if (pick !== greedy && state.policy === 'thompson' && !overlapsBest(arms[pick] as Arm, arms[greedy] as Arm, this.config.explorationOverlap)) {
      pick = greedy;
    }
    if (pick !== greedy) {
      // Bounded exploration: once this class's recent share of non-greedy picks reaches the cap, exploit.
      if (state.exploreShare >= state.exploration) pick = greedy;
      else state.exploreShare += (1 - state.exploreShare) * EXPLORE_EMA;
    } else {
      state.exploreShare -= state.exploreShare * EXPLORE_EMA;
    }
    head.push(rest[pick] as string);
    // Fallbacks (later steps of the plan) exploit: best expected utility first.
    const order = rest.map((_, i) => i).filter((i) => i !== pick);
    order.sort((a, b) => (arms[b] as Arm).meanUtility - (arms[a] as Arm).meanUtility);
    for (const i of order) head.push(rest[i] as string);
    return head;
  }

  lastResortIndex(app: string, cls: DeviceClass, ranked: readonly string[], channel: string): number {
    if (ranked.length === 0) return 0;
    const state = this.classState(app, cls);
    return lastResortIndex(ranked.map((p) => this.arm(state, p).meanUtility), this.arm(state, channel).meanUtility);
  }

  ownChannels(app: string, cls: DeviceClass, own: readonly string[]): { admitted: readonly string[]; pinned: boolean } {
    return applyRuleToOwnChannels(this.classState(app, cls).rule, own);
  }

  effectiveRule(app: string, cls: DeviceClass): RoutingRule | undefined {
    return this.classState(app, cls).rule?.rule;
  }

  record(app: string, cls: DeviceClass, provider: string, outcome: Outcome): void {
    const state = this.classState(app, cls);
    const at = this.clock();
    const latency = outcome.delivered && outcome.latencyMs !== undefined && Number.isFinite(outcome.latencyMs) && outcome.latencyMs >= 0;
    const delta: StatEntry = {
      classKey: '',
      provider,
      successes: outcome.delivered ? 1 : 0,
      failures: outcome.delivered ? 0 : 1,
      latencySum: latency ? (outcome.latencyMs as number) : 0,
      latencyCount: latency ? 1 : 0,
      recentSuccesses: outcome.delivered ? 1 : 0,
      recentFailures: outcome.delivered ? 0 : 1,
      at,
    };
    let appBuffer = this.buffer.get(app);
    if (appBuffer === undefined) {
      appBuffer = new Map();
      this.buffer.set(app, appBuffer);
    }
    const stats = this.appStats(app);
    // Every level of the hierarchy gets the outcome: brand and platform are the pooled priors.
    for (const classKey of state.keys) {
      delta.classKey = classKey;
      const field = statField(classKey, provider);
      const pending = appBuffer.get(field);
      if (pending === undefined) {
        appBuffer.set(field, { ...delta });
        this.buffered++;
      } else {
        mergeCounters(pending, delta, this.forgetting);
      }
      stats.merge(delta, this.forgetting);
    }
    const hook = this.onRecord;
    if (hook !== undefined) {
      const event: RecordEvent = { app, platform: state.cls.platform, provider, delivered: outcome.delivered };
      if (state.cls.brand !== undefined) event.brand = state.cls.brand;
      if (latency) event.latencyMs = outcome.latencyMs as number;
      hook(event);
    }
    if (this.buffered >= MAX_BUFFERED) this.flush().catch((err: unknown) => this.onError?.(err));
  }

  flush(): Promise<void> {
    return this.serialize(() => this.flushNow());
  }

  refresh(): Promise<void> {
    return this.serialize(() => this.refreshNow());
  }

  table(app: string, filter: ScoreFilter = {}): ScoreRow[] {
    const stats = this.snapshot.get(app);
    if (stats === undefined) return [];
    const want = normalizeFilter(filter);
    const now = this.clock();
    const rows: ScoreRow[] = [];
    for (const [classKey, providers] of stats.nodes) {
      const node = parseClassKey(classKey);
      if (want.platform !== undefined && node.platform !== want.platform) continue;
      if (want.brand !== undefined && node.brand !== want.brand) continue;
      if (want.model !== undefined && node.model !== want.model) continue;
      const path = levelKeys(node);
      for (const [provider, own] of providers) {
        const posterior = this.posterior(stats, path, provider, now);
        const { lower, upper } = betaInterval(posterior.alpha, posterior.beta);
        const decayed = countersAt(own, now, this.forgetting);
        const row: ScoreRow = {
          level: node.level,
          platform: node.platform,
          provider,
          estimate: posterior.alpha / (posterior.alpha + posterior.beta),
          lower,
          upper,
          samples: decayed.successes + decayed.failures,
        };
        if (node.brand !== undefined) row.brand = node.brand;
        if (node.model !== undefined) row.model = node.model;
        if (decayed.latencyCount > 0) row.latencyMs = decayed.latencySum / decayed.latencyCount;
        rows.push(row);
      }
    }
    const levelOrder = { platform: 0, brand: 1, model: 2 } as const;
    return rows.sort(
      (a, b) =>
        a.platform.localeCompare(b.platform) ||
        (a.brand ?? '').localeCompare(b.brand ?? '') ||
        levelOrder[a.level] - levelOrder[b.level] ||
        (a.model ?? '').localeCompare(b.model ?? '') ||
        b.estimate - a.estimate,
    );
  }

  start(): void {
    if (this.timers.length > 0) return;
    const onError = (err: unknown): void => this.onError?.(err);
    const refresh = setInterval(() => this.refresh().catch(onError), this.config.snapshotRefreshMs);
    const flush = setInterval(() => this.flush().catch(onError), this.config.flushIntervalMs);
    refresh.unref();
    flush.unref();
    this.timers = [refresh, flush];
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.flush();
  }

  private serialize(task: () => Promise<void>): Promise<void> {
    const run = this.io.then(task);
    this.io = run.catch(() => undefined);
    return run;
  }

  private async flushNow(): Promise<void> {
    if (this.buffered === 0) return;
    const batch = this.buffer;
    this.buffer = new Map();
    this.buffered = 0;
    const errors: unknown[] = [];
    await Promise.all(
      [...batch].map(async ([app, fields]) => {
        try {
          await this.store.apply(app, [...fields.values()], this.forgetting);
        } catch (err) {
          // Keep the outcomes: they go out with the next flush (merging is order-independent).
          errors.push(err);
          this.requeue(app, fields);
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }

  private requeue(app: string, fields: Map<string, StatEntry>): void {
    let appBuffer = this.buffer.get(app);
    if (appBuffer === undefined) {
      appBuffer = new Map();
      this.buffer.set(app, appBuffer);
    }
    for (const [field, entry] of fields) {
      const pending = appBuffer.get(field);
      if (pending === undefined) {
        appBuffer.set(field, entry);
        this.buffered++;
      } else {
        mergeCounters(pending, entry, this.forgetting);
      }
    }
  }

  private async refreshNow(): Promise<void> {
    const apps = [...this.apps];
    const loaded = await this.store.load(apps);
    const next = new Map(this.snapshot);
    for (const app of apps) {
      const stats = new AppStats();
      for (const entry of loaded.get(app) ?? []) stats.merge(entry, this.forgetting);
      // Outcomes recorded here but not flushed yet stay visible.
      for (const entry of this.buffer.get(app)?.values() ?? []) stats.merge(entry, this.forgetting);
      stats.priorStrengths = estimatePriorStrengths(stats.nodes, this.clock(), this.forgetting, this.config.priorStrength);
      // Generations only grow, so no cached class mistakes the new snapshot for the old one.
      stats.generation += (this.snapshot.get(app)?.generation ?? 0) + 1;
      next.set(app, stats);
    }
    this.snapshot = next;
  }

  private appStats(app: string): AppStats {
    let stats = this.snapshot.get(app);
    if (stats === undefined) {
      stats = new AppStats();
      this.snapshot.set(app, stats);
    }
    return stats;
  }

  private classState(app: string, cls: DeviceClass): ClassState {
    const raw = `${app}\u0000${cls.platform}\u0000${cls.brand ?? ''}\u0000${cls.model ?? ''}`;
    let state = this.classes.get(raw);
    if (state !== undefined) return state;
    if (this.classes.size >= MAX_CLASSES) this.classes.clear();
    this.apps.add(app);
    const normalized = normalizeClass(cls);
    const compiled = this.rules.get(app);
    const rule = compiled === undefined ? undefined : mergeRules(compiled, normalized);
    state = {
      app,
      cls: normalized,
      keys: levelKeys(normalized),
      rule,
      policy: rule?.rule.policy ?? this.config.policy,
      exploration: rule?.rule.exploration ?? this.config.exploration,
      generation: -1,
      computedAt: 0,
      arms: new Map(),
      exploreShare: 0,
    };
    this.classes.set(raw, state);
    return state;
  }

  private arm(state: ClassState, provider: string): Arm {
    const stats = this.appStats(state.app);
    const now = this.clock();
    if (state.generation !== stats.generation || now - state.computedAt > ARM_TTL_MS || now < state.computedAt) {
      state.arms.clear();
      state.generation = stats.generation;
      state.computedAt = now;
    }
    let arm = state.arms.get(provider);
    if (arm === undefined) {
      const posterior = this.posterior(stats, state.keys, provider, now);
      const utilityOffset = -this.config.latencyWeight * (posterior.latencyMs / 1000) - this.cost(state.app, provider);
      arm = {
        alpha: posterior.alpha,
        beta: posterior.beta,
        meanUtility: posterior.alpha / (posterior.alpha + posterior.beta) + utilityOffset,
        utilityOffset,
        variance: betaVariance(posterior.alpha, posterior.beta),
      };
      state.arms.set(provider, arm);
    }
    return arm;
  }

  /** Cost per message of `provider` for `app`: the app's own (its SMS contract) else the global one. */
  private cost(app: string, provider: string): number {
    return this.config.appCosts[app]?.[provider] ?? this.config.costs[provider] ?? 0;
  }

  private posterior(stats: AppStats, keys: readonly string[], provider: string, now: number): Posterior {
    const levels: Array<StatCounters | undefined> = keys.map((key) => {
      const counters = stats.get(key, provider);
      return counters === undefined ? undefined : countersAt(counters, now, this.forgetting);
    });
    const max = this.config.priorStrength;
    const strengths = keys.map((_, i) => (i === 0 ? max : (stats.priorStrengths.get(statField(keys[i - 1] as string, provider)) ?? max)));
    const path = pathPosteriors(levels, strengths);
    return path[path.length - 1] as Posterior;
  }
}

function normalizeFilter(filter: ScoreFilter): ScoreFilter {
  const out: ScoreFilter = {};
  for (const field of ['platform', 'brand', 'model'] as const) {
    const value = filter[field]?.trim().replace(/\s+/g, ' ').toLowerCase();
    if (value !== undefined && value !== '') out[field] = value;
  }
  return out;
}

/**
 * Creates an engine. The config is merged over the defaults and validated (a `ConfigError` names the
 * bad field). Call `start()` for the refresh and flush timers, or drive `flush()`/`refresh()` yourself
 * (tests and the simulation do).
 */
export function createScoringEngine(opts: ScoringEngineOptions): ScoringEngine {
  return new DefaultScoringEngine(opts);
}
