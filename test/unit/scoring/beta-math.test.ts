import { describe, expect, it } from 'vitest';
import { betaCdf, betaInterval, betaMean, betaQuantile, betaVariance, logGamma } from '../../../scoring/index.js';

describe('Beta math', () => {
  it('computes ln Γ', () => {
    expect(logGamma(1)).toBeCloseTo(0, 7);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 7);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 7);
  });

  it('matches closed forms of the CDF', () => {
    for (const x of [0.1, 0.37, 0.5, 0.9]) {
      expect(betaCdf(x, 1, 1)).toBeCloseTo(x, 7);
      expect(betaCdf(x, 2, 1)).toBeCloseTo(x * x, 7);
      expect(betaCdf(x, 1, 3)).toBeCloseTo(1 - (1 - x) ** 3, 7);
    }
    expect(betaCdf(0.5, 7, 7)).toBeCloseTo(0.5, 7);
  });

  it('inverts the CDF', () => {
    expect(betaQuantile(0.25, 2, 1)).toBeCloseTo(0.5, 7);
    for (const [a, b] of [
      [3, 9],
      [120, 40],
      [0.7, 2],
    ] as const) {
      for (const p of [0.025, 0.5, 0.975]) expect(betaCdf(betaQuantile(p, a, b), a, b)).toBeCloseTo(p, 7);
    }
  });

  it('gives moments and a 95% interval around the mean', () => {
    expect(betaMean(3, 1)).toBe(0.75);
    expect(betaVariance(1, 1)).toBeCloseTo(1 / 12, 7);
    const { lower, upper } = betaInterval(90, 7);
    expect(lower).toBeLessThan(0.9);
    expect(upper).toBeGreaterThan(0.9);
    expect(betaInterval(1, 1)).toEqual({ lower: expect.closeTo(0.025, 7), upper: expect.closeTo(0.975, 7) });
  });
});
