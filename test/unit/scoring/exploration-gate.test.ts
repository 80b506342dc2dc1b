import { describe, expect, it } from 'vitest';
import { MemoryScoringStore, createScoringEngine, createSeededRandom, type DeviceClass, type ScoringConfig, type ScoringEngine } from '../../../scoring/index.js';
import { betaVariance, overlapsBest } from '../../../scoring/exploration-gate.js';
import type { Arm } from '../../../scoring/policy.js';

const arm = (alpha: number, beta: number): Arm => ({
  alpha,
  beta,
  meanUtility: alpha / (alpha + beta),
  utilityOffset: 0,
  variance: betaVariance(alpha, beta),
});

describe('exploration gate: the rule', () => {
  it('lets an arm through while its posterior overlaps the best one, and drops a confidently worse one', () => {
    const best = arm(601, 401); // ~0.6, a long record
    expect(overlapsBest(arm(29, 23), best, 1)).toBe(true); // ~0.56: may well be the best
    expect(overlapsBest(arm(2, 4), best, 1)).toBe(false); // ~0.33 on 4 outcomes: 1.5 sd below
    expect(overlapsBest(arm(2, 4), best, 2)).toBe(true); // a looser gate lets it through
    expect(overlapsBest(arm(1, 4), best, 2)).toBe(false); // ~0.2 on 3 outcomes: 2.4 sd below
    expect(overlapsBest(arm(2, 4), best, 0)).toBe(true); // 0: gate off
    expect(overlapsBest(arm(1, 1), arm(2, 4), 1)).toBe(true); // better than the "best": always
  });
});

/**
 * One class (platform only, so no inherited prior): JPush has a long record at 0.6, FCM failed all 3
 * (Beta(1, 4), 2.4 sd below), the xiaomi channel went 28/22 (0.6 sd below). Unbounded Thompson draws FCM
 * first ~2.5% of the time (P(Beta(1, 4) > 0.6) = 0.4^4); each such pick costs ~0.4 in expected delivery.
 */
function firstPicks(config: Partial<ScoringConfig>, n: number): Record<string, number> {
  const now = 1_700_000_000_000;
  const engine: ScoringEngine = createScoringEngine({
    store: new MemoryScoringStore(),
    config: { halfLifeSeconds: 600, latencyWeight: 0, exploration: 1, ...config },
    clock: () => now,
    random: createSeededRandom(99),
  });
  const cls: DeviceClass = { platform: 'android' };
  const feed = (provider: string, delivered: number, failed: number): void => {
    for (let i = 0; i < delivered; i++) engine.record('shop', cls, provider, { delivered: true });
    for (let i = 0; i < failed; i++) engine.record('shop', cls, provider, { delivered: false });
  };
  feed('jpush', 600, 400);
  feed('fcm', 0, 3);
  feed('xiaomi', 28, 22);
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const first = engine.rank('shop', cls, ['fcm', 'jpush', 'xiaomi'])[0] ?? 'none';
    counts[first] = (counts[first] ?? 0) + 1;
  }
  return counts;
}

describe('exploration gate: in the engine', () => {
  it('spends Thompson exploration on the arm that may be best, not on the confidently bad one', () => {
    const gated = firstPicks({}, 4000);
    expect(gated.fcm ?? 0).toBe(0);
    expect(gated.xiaomi ?? 0).toBeGreaterThan(400);
    // The gate off (explorationOverlap 0) is plain Thompson: the hopeless arm takes its share.
    const plain = firstPicks({ explorationOverlap: 0 }, 4000);
    expect(plain.fcm ?? 0).toBeGreaterThan(40);
  });

  it('leaves UCB alone and rejects a negative overlap', () => {
    expect(firstPicks({ policy: 'ucb' }, 10)).toEqual(firstPicks({ policy: 'ucb', explorationOverlap: 0 }, 10));
    expect(() => firstPicks({ explorationOverlap: -1 }, 1)).toThrow(/explorationOverlap/);
  });
});
