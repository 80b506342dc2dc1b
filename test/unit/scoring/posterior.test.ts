import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY_MS, pathPosteriors, type StatCounters } from '../../../scoring/index.js';

const c = (successes: number, failures: number, latencyMs?: number): StatCounters => ({
  successes,
  failures,
  latencySum: latencyMs === undefined ? 0 : latencyMs * successes,
  latencyCount: latencyMs === undefined ? 0 : successes,
  recentSuccesses: 0,
  recentFailures: 0,
  at: 0,
});
const mean = (p: { alpha: number; beta: number }): number => p.alpha / (p.alpha + p.beta);

describe('hierarchical Beta posterior', () => {
  it('starts the platform from a uniform Beta(1, 1)', () => {
    const [platform] = pathPosteriors([undefined], 10);
    expect(platform).toEqual({ alpha: 1, beta: 1, latencyMs: DEFAULT_LATENCY_MS, latencyWeight: 1 });
    const [withData] = pathPosteriors([c(8, 2)], 10);
    expect(withData).toMatchObject({ alpha: 9, beta: 3 });
  });

  it('gives a model without data its brand mean, at most priorStrength samples strong', () => {
    const [, brand, model] = pathPosteriors([c(500, 500), c(90, 10), undefined], 10);
    // brand: platform mean 0.5 × 10 pseudo-samples + own 90/10 → Beta(95, 15)
    expect(brand).toMatchObject({ alpha: 95, beta: 15 });
    expect(mean(model!)).toBeCloseTo(95 / 110, 12);
    expect(model!.alpha + model!.beta).toBeCloseTo(10, 12);
  });

  it('lets enough model data dominate its brand', () => {
    const [, brand, model] = pathPosteriors([c(0, 0), c(950, 50), c(20, 180)], 10);
    expect(mean(brand!)).toBeGreaterThan(0.9);
    // model: 0.95 × 10 + 20 successes, 0.05 × 10 + 180 failures
    const brandMean = mean(brand!);
    expect(model!.alpha).toBeCloseTo(brandMean * 10 + 20, 10);
    expect(model!.beta).toBeCloseTo((1 - brandMean) * 10 + 180, 10);
    expect(mean(model!)).toBeLessThan(0.15);
    expect(mean(model!)).toBeGreaterThan(0.1);
  });

  it('does not invent confidence: a parent weaker than priorStrength passes on only what it has', () => {
    const [platform, brand] = pathPosteriors([c(1, 0), undefined], 10);
    expect(brand!.alpha + brand!.beta).toBeCloseTo(platform!.alpha + platform!.beta, 12);
  });

  it('pools latency the same way', () => {
    const [platform, brand, model] = pathPosteriors([c(10, 0, 2000), c(10, 0, 400), c(40, 0, 100)], 10);
    // platform: one 1 s pseudo-sample + ten 2 s samples; brand: ten of those + its own ten 0.4 s
    expect(platform!.latencyMs).toBeCloseTo((1000 + 20_000) / 11, 9);
    expect(brand!.latencyMs).toBeCloseTo((platform!.latencyMs * 10 + 4000) / 20, 9);
    expect(model!.latencyMs).toBeCloseTo((brand!.latencyMs * 10 + 4000) / 50, 9);
  });
});
