/**
 * The routing simulation: Poisson traffic over a fleet in simulated time, every message offered to each
 * strategy with common random numbers (one delivery draw and one latency draw per message, shared), so
 * the strategies differ only by their choices. The adaptive strategy is the scoring engine, used through
 * its public API only: `rank` at send time, `record` when the ack (or the deadline) would arrive, and
 * `flush` + `refresh` on the snapshot interval, with several engines (gateway instances) sharing one store.
 */
import { MemoryScoringStore, createScoringEngine, createSeededRandom, type ScoringConfig, type ScoringEngine } from '../../scoring/index.js';
import { bestSingleProvider, brandRuleBaseline, oracleBaseline, randomBaseline, type Baseline } from './baselines.js';
import { EventQueue } from './event-queue.js';
import { deliveryAt, inTimeProbability, type Fleet, type ModelTruth } from './fleet.js';
import { ZipfSampler } from './zipf.js';

export const STRATEGIES = ['random', 'best_single', 'brand_rule', 'adaptive', 'oracle'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Options of one simulation run. */
export interface SimulationOptions {
  fleet: Fleet;
  seed: number;
  durationMs: number;
  messagesPerSecond: number;
  deadlineMs: number;
  /** Gateway instances (engines) sharing one MemoryScoringStore; messages and acks spread over them. */
  instances: number;
  scoring: Partial<ScoringConfig>;
  /** Bucket width of the regret-over-time series. */
  regretBucketMs: number;
  /** Bucket width used to measure recovery after incident start and end. */
  recoveryBucketMs: number;
  /** Diagnostics: called with every message's choices. */
  onChoice?: (t: number, model: ModelTruth, choices: Readonly<Record<Strategy, string>>) => void;
}

interface Bucket {
  count: number;
  expected: Record<Strategy, number>;
}

/** What a run measured. */
export interface SimulationResult {
  messages: number;
  bestSingleProvider: string;
  delivered: Record<Strategy, number>;
  expected: Record<Strategy, number>;
  regretBuckets: Bucket[];
  /** Per recovery bucket, traffic of the incident's brand only. */
  incidentBrandBuckets: Bucket[];
  fleetBuckets: Bucket[];
}

interface PendingOutcome {
  engine: number;
  model: number;
  provider: string;
  delivered: boolean;
  latencyMs: number;
}

function zeroes(): Record<Strategy, number> {
  return { random: 0, best_single: 0, brand_rule: 0, adaptive: 0, oracle: 0 };
}

function bucketAt(buckets: Bucket[], index: number): Bucket {
  let bucket = buckets[index];
  while (bucket === undefined) {
    buckets.push({ count: 0, expected: zeroes() });
    bucket = buckets[index];
  }
  return bucket;
}

/** Runs the simulation. Deterministic for a seed. */
export async function simulate(opts: SimulationOptions): Promise<SimulationResult> {
  const { fleet, deadlineMs } = opts;
  const traffic = createSeededRandom(opts.seed);
  const outcomes = createSeededRandom(opts.seed ^ 0x5bd1e995);
  const zipf = new ZipfSampler(fleet.weights);
  const eligible = fleet.models.map((m) => Object.keys(m.providers).sort());
  const classes = fleet.models.map((m) => ({ platform: m.platform, brand: m.brand, model: m.model }));
  const incident = fleet.incidents[0];

  let now = 0;
  const store = new MemoryScoringStore();
  const engines: ScoringEngine[] = Array.from({ length: opts.instances }, (_, i) =>
    createScoringEngine({ store, config: opts.scoring, clock: () => now, random: createSeededRandom(opts.seed + 1000 + i) }),
  );
  const refreshMs = opts.scoring.snapshotRefreshMs ?? 2000;
  const single = bestSingleProvider(fleet, deadlineMs);
  const baselines: Record<Exclude<Strategy, 'adaptive'>, Baseline> = {
    random: randomBaseline(createSeededRandom(opts.seed + 7)),
    best_single: () => single,
    brand_rule: brandRuleBaseline,
    oracle: oracleBaseline(fleet, deadlineMs),
  };

  const pending = new EventQueue<PendingOutcome>();
  const delivered = zeroes();
  const expected = zeroes();
  const regretBuckets: Bucket[] = [];
  const incidentBrandBuckets: Bucket[] = [];
  const fleetBuckets: Bucket[] = [];

  const drain = (until: number): void => {
    while (pending.peekTime() <= until) {
      const event = pending.pop();
      if (event === undefined) break;
      now = event.time;
      const { engine, model, provider, latencyMs } = event.item;
      (engines[engine] as ScoringEngine).record('app', classes[model] as (typeof classes)[number], provider, {
        delivered: event.item.delivered,
        latencyMs,
      });
    }
  };

  let t = 0;
  let nextRefresh = refreshMs;
  let messages = 0;
  for (;;) {
    t += (-Math.log(1 - traffic()) / opts.messagesPerSecond) * 1000;
    if (t >= opts.durationMs) break;
    while (nextRefresh <= t) {
      drain(nextRefresh);
      now = nextRefresh;
      for (const engine of engines) await engine.flush();
      for (const engine of engines) await engine.refresh();
      nextRefresh += refreshMs;
    }
    drain(t);
    now = t;
    messages++;
    const index = zipf.sample(traffic());
    const model = fleet.models[index] as ModelTruth;
    const instance = Math.floor(traffic() * opts.instances);
    // The ack reaches any instance, not necessarily the one that sent.
    const ackInstance = Math.floor(traffic() * opts.instances);
    // Common random numbers: the same delivery draw and latency quantile for every strategy.
    const u = outcomes();
    const z = Math.sqrt(-2 * Math.log(1 - outcomes())) * Math.cos(2 * Math.PI * outcomes());

    const outcome = (provider: string): { ok: boolean; latencyMs: number; p: number } => {
      const truth = model.providers[provider];
      if (truth === undefined) return { ok: false, latencyMs: deadlineMs, p: 0 };
      const latencyMs = truth.medianLatencyMs * Math.exp(truth.latencySigma * z);
      const p = inTimeProbability(fleet, model, provider, t, deadlineMs);
      return { ok: u < deliveryAt(fleet, model, provider, t) && latencyMs <= deadlineMs, latencyMs, p };
    };

    const choices = {} as Record<Strategy, string>;
    for (const name of ['random', 'best_single', 'brand_rule', 'oracle'] as const) choices[name] = baselines[name](model, t);
    choices.adaptive = (engines[instance] as ScoringEngine).rank('app', classes[index] as (typeof classes)[number], eligible[index] as string[])[0] ?? 'jpush';

    opts.onChoice?.(t, model, choices);
    const regret = bucketAt(regretBuckets, Math.floor(t / opts.regretBucketMs));
    const fleetBucket = bucketAt(fleetBuckets, Math.floor(t / opts.recoveryBucketMs));
    const brandBucket = model.brand === incident?.brand ? bucketAt(incidentBrandBuckets, Math.floor(t / opts.recoveryBucketMs)) : undefined;
    regret.count++;
    fleetBucket.count++;
    if (brandBucket) brandBucket.count++;
    for (const name of STRATEGIES) {
      const result = outcome(choices[name]);
      if (result.ok) delivered[name]++;
      expected[name] += result.p;
      regret.expected[name] += result.p;
      fleetBucket.expected[name] += result.p;
      if (brandBucket) brandBucket.expected[name] += result.p;
      if (name === 'adaptive') {
        pending.push(t + (result.ok ? result.latencyMs : deadlineMs), {
          engine: ackInstance,
          model: index,
          provider: choices.adaptive,
          delivered: result.ok,
          latencyMs: result.latencyMs,
        });
      }
    }
  }
  for (const engine of engines) await engine.close();
  return { messages, bestSingleProvider: single, delivered, expected, regretBuckets, incidentBrandBuckets, fleetBuckets };
}
