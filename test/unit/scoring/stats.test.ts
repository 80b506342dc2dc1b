import { describe, expect, it } from 'vitest';
import { countersAt, decayFactor, mergeCounters, type DecayRates, type StatCounters } from '../../../scoring/index.js';

const H = 60_000;
const RATES: DecayRates = { halfLifeMs: H, recentHalfLifeMs: H / 2 };
const c = (successes: number, failures: number, at: number): StatCounters => ({
  successes,
  failures,
  latencySum: 100 * successes,
  latencyCount: successes,
  recentSuccesses: successes,
  recentFailures: failures,
  at,
});

describe('decayed counters', () => {
  it('halve every half-life and never grow for past timestamps', () => {
    expect(decayFactor(0, H, H)).toBe(0.5);
    expect(decayFactor(0, 3 * H, H)).toBe(0.125);
    expect(decayFactor(5, 1, H)).toBe(1);
    const later = countersAt(c(8, 4, 0), 2 * H, RATES);
    expect(later).toMatchObject({ successes: 2, failures: 1, latencyCount: 2, at: 2 * H });
  });

  it('decay the recent pair on its own, shorter half-life (none kept at 0)', () => {
    expect(countersAt(c(8, 4, 0), H, RATES)).toMatchObject({ successes: 4, failures: 2, recentSuccesses: 2, recentFailures: 1 });
    expect(countersAt(c(8, 4, 0), H, { halfLifeMs: H, recentHalfLifeMs: 0 })).toMatchObject({ recentSuccesses: 0, recentFailures: 0 });
  });

  it('merge at the later timestamp, in any order', () => {
    const a = c(10, 0, 0);
    mergeCounters(a, c(0, 4, H), RATES);
    expect(a).toMatchObject({ successes: 5, failures: 4, recentSuccesses: 2.5, recentFailures: 4, at: H });
    const b = c(0, 4, H);
    mergeCounters(b, c(10, 0, 0), RATES);
    expect(b).toEqual(a);
  });
});
