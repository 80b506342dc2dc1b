/**
 * `npm run bench:routing`: the routing simulation of issue 4. A seeded China-market Android fleet
 * (bench/fleet) sends Zipf traffic in simulated time; random, best single provider, the hand-written
 * brand rule, pushmux adaptive (the scoring engine over a MemoryScoringStore, several instances) and the
 * oracle route the same messages. Prints one JSON line.
 *
 * Flags: --seed N, --hours H, --rate MSG_PER_S, --instances N, --half-life S (scoring halfLifeSeconds),
 * --deadline MS, --policy thompson|ucb|greedy, --exploration SHARE.
 */
import { parseArgs } from 'node:util';
import type { PolicyName } from '../scoring/index.js';
import { buildChinaAndroidFleet, minutesToRecover, simulate, STRATEGIES, type Strategy } from './fleet/index.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    hours: { type: 'string', default: '4' },
    rate: { type: 'string', default: '80' },
    instances: { type: 'string', default: '3' },
    'half-life': { type: 'string', default: '300' },
    deadline: { type: 'string', default: '10000' },
    policy: { type: 'string', default: 'thompson' },
    exploration: { type: 'string', default: '0.1' },
  },
});

const seed = Number(values.seed);
const durationMs = Number(values.hours) * 3_600_000;
const incidentStart = Math.round(durationMs * 0.4 / 60_000) * 60_000;
const incidentEnd = incidentStart + 60 * 60_000;
const fleet = buildChinaAndroidFleet({ seed, incident: { startMs: incidentStart, endMs: incidentEnd, delivery: 0.1 } });
const scoring = {
  halfLifeSeconds: Number(values['half-life']),
  policy: values.policy as PolicyName,
  exploration: Number(values.exploration),
  snapshotRefreshMs: 2000,
};
const regretBucketMs = 20 * 60_000;
const recoveryBucketMs = 30_000;

const started = performance.now();
const result = await simulate({
  fleet,
  seed,
  durationMs,
  messagesPerSecond: Number(values.rate),
  deadlineMs: Number(values.deadline),
  instances: Number(values.instances),
  scoring,
  regretBucketMs,
  recoveryBucketMs,
});
const wallSeconds = (performance.now() - started) / 1000;

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;
const rate = {} as Record<Strategy, number>;
const expectedRate = {} as Record<Strategy, number>;
for (const s of STRATEGIES) {
  rate[s] = round(result.delivered[s] / result.messages);
  expectedRate[s] = round(result.expected[s] / result.messages);
}
const incident = fleet.incidents[0];
const brandRecoveryStart = minutesToRecover(result.incidentBrandBuckets, recoveryBucketMs, incidentStart, incidentEnd);
const brandRecoveryEnd = minutesToRecover(result.incidentBrandBuckets, recoveryBucketMs, incidentEnd, durationMs);
const adaptiveVsOracle = round(result.delivered.adaptive / result.delivered.oracle);
const marginPoints = round((rate.adaptive - rate.brand_rule) * 100, 2);

console.log(
  JSON.stringify({
    bench: 'routing',
    seed,
    fleet: {
      name: fleet.name,
      models: fleet.models.length,
      brands: new Set(fleet.models.map((m) => m.brand)).size,
      exceptions: fleet.models.filter((m) => m.exception !== undefined).length,
    },
    simulated_hours: Number(values.hours),
    messages: result.messages,
    instances: Number(values.instances),
    scoring,
    deadline_ms: Number(values.deadline),
    first_attempt_delivery_rate: rate,
    expected_in_time_rate: expectedRate,
    best_single_provider: result.bestSingleProvider,
    adaptive_vs_oracle: adaptiveVsOracle,
    adaptive_minus_brand_rule_points: marginPoints,
    regret_over_time: {
      bucket_minutes: regretBucketMs / 60_000,
      // Expected in-time deliveries lost to the oracle, per 100 messages, per bucket.
      points_per_bucket: result.regretBuckets.map((b) => round(((b.expected.oracle - b.expected.adaptive) / Math.max(1, b.count)) * 100, 2)),
    },
    incident: {
      brand: incident?.brand,
      provider: incident?.provider,
      start_minute: incidentStart / 60_000,
      end_minute: incidentEnd / 60_000,
      // On the incident brand's traffic: minutes until adaptive stays ≥ 95% of the oracle (30 s buckets).
      minutes_to_recover_after_start: brandRecoveryStart,
      minutes_to_recover_after_end: brandRecoveryEnd,
      fleet_wide_minutes_to_recover_after_start: minutesToRecover(result.fleetBuckets, recoveryBucketMs, incidentStart, incidentEnd),
      fleet_wide_minutes_to_recover_after_end: minutesToRecover(result.fleetBuckets, recoveryBucketMs, incidentEnd, durationMs),
    },
    targets: {
      adaptive_vs_oracle_ge_0_97: adaptiveVsOracle >= 0.97,
      beats_brand_rule_by_2_points: marginPoints >= 2,
      recovers_within_10_min_of_start: brandRecoveryStart !== null && brandRecoveryStart <= 10,
      recovers_within_10_min_of_end: brandRecoveryEnd !== null && brandRecoveryEnd <= 10,
    },
    wall_seconds: round(wallSeconds, 1),
  }),
);
