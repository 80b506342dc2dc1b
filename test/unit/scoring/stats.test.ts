import { describe, expect, it } from 'vitest';
import { countersAt, decayFactor, mergeCounters, type StatCounters } from '../../../scoring/index.js';

const H = 60_000;
const c = (successes: number, failures: number, at: number): StatCounters => ({
  successes,
  failures,
  latencySum: 100 * successes,
  latencyCount: successes,
  at,
});

describe('decayed counters', () => {
  it('halve every half-life and never grow for past timestamps', () => {
    expect(decayFactor(0, H, H)).toBe(0.5);
    expect(decayFactor(0, 3 * H, H)).toBe(0.125);
    expect(decayFactor(5, 1, H)).toBe(1);
    const later = countersAt(c(8, 4, 0), 2 * H, H);
    expect(later).toMatchObject({ successes: 2, failures: 1, latencyCount: 2, at: 2 * H });
  });

  it('merge at the later timestamp, in any order', () => {
    const a = c(10, 0, 0);
    mergeCounters(a, c(0, 4, H), H);
    expect(a).toMatchObject({ successes: 5, failures: 4, at: H });
    const b = c(0, 4, H);
    mergeCounters(b, c(10, 0, 0), H);
    expect(b).toEqual(a);
  });
});
