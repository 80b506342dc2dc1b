import { describe, expect, it } from 'vitest';
import {
  MemoryScoringStore,
  changeScore,
  createScoringEngine,
  createSeededRandom,
  forgetBeforeChange,
  type DeviceClass,
  type ScoringConfig,
  type StatCounters,
} from '../../../scoring/index.js';

const counters = (successes: number, failures: number, recentSuccesses: number, recentFailures: number): StatCounters => ({
  successes,
  failures,
  latencySum: 0,
  latencyCount: 0,
  recentSuccesses,
  recentFailures,
  at: 0,
});

describe('change detection: the rule', () => {
  it('scores recent against older outcomes and ignores noise', () => {
    // 950/1000 long-run, of which the recent 30 went 3/27: a collapse, far beyond noise.
    expect(changeScore(counters(950, 50, 3, 27))).toBeLessThan(-10);
    // The recent 30 went 28/2: what the older 970 showed.
    expect(Math.abs(changeScore(counters(950, 50, 28, 2)))).toBeLessThan(1);
    // Nothing older than the recent window: nothing to compare.
    expect(changeScore(counters(20, 5, 20, 5))).toBe(0);
  });

  it('forgets the history before a change and restarts the recent window', () => {
    const collapsed = counters(950, 50, 3, 27);
    expect(forgetBeforeChange(collapsed, 4)).toBe(true);
    expect(collapsed).toMatchObject({ successes: 3, failures: 27, recentSuccesses: 0, recentFailures: 0 });
    const steady = counters(950, 50, 28, 2);
    expect(forgetBeforeChange(steady, 4)).toBe(false);
    expect(steady.successes).toBe(950);
    // Threshold 0 turns resets off.
    expect(forgetBeforeChange(counters(950, 50, 3, 27), 0)).toBe(false);
  });
});

/**
 * A well-established provider collapses for one model: the fresh failures arrive at the pace a gateway
 * sees them (one outcome per second, to whichever provider the engine ranks first), and the question
 * is how many outcomes it takes before the alternative ranks first and stays there.
 */
function outcomesUntilSwitched(config: Partial<ScoringConfig>): number {
  const T0 = 1_700_000_000_000;
  let now = T0;
  const engine = createScoringEngine({
    store: new MemoryScoringStore(),
    config: { halfLifeSeconds: 1800, latencyWeight: 0, exploration: 0.1, ...config },
    clock: () => now,
    random: createSeededRandom(7),
  });
  const truth = createSeededRandom(11);
  const mi11: DeviceClass = { platform: 'android', brand: 'xiaomi', model: 'mi 11' };
  const eligible = ['jpush', 'xiaomi'];
  const rate = (provider: string, collapsed: boolean): number => (provider === 'xiaomi' ? (collapsed ? 0.1 : 0.95) : 0.7);
  const step = (collapsed: boolean): string => {
    now += 1000;
    const first = engine.rank('shop', mi11, eligible)[0] as string;
    engine.record('shop', mi11, first, { delivered: truth() < rate(first, collapsed) });
    return first;
  };
  // Two hours of healthy traffic: the xiaomi channel earns a long, confident history.
  for (let i = 0; i < 7200; i++) step(false);
  // Then it collapses. Count outcomes until xiaomi has not been picked for 100 in a row.
  let sinceXiaomi = 0;
  for (let i = 1; i <= 20_000; i++) {
    sinceXiaomi = step(true) === 'xiaomi' ? 0 : sinceXiaomi + 1;
    if (sinceXiaomi === 100) return i - 100;
  }
  return Infinity;
}

describe('change detection: in the engine', () => {
  it('drops a collapsed provider below the alternative within a couple of minutes of outcomes', () => {
    const withDetection = outcomesUntilSwitched({});
    expect(withDetection).toBeLessThan(150);
    // Without it the 30-minute half-life keeps the old history in charge for far longer.
    expect(outcomesUntilSwitched({ changeThreshold: 0 })).toBeGreaterThan(3 * withDetection);
  });
});
