import { describe, expect, it } from 'vitest';
import { Sampler, createSeededRandom } from '../../../scoring/index.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sq / n - mean * mean };
}

describe('seeded random source', () => {
  it('repeats for a seed and differs across seeds', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const c = createSeededRandom(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('Sampler', () => {
  const n = 100_000;

  it.each([0.3, 1, 2.5, 40])('draws Gamma(%s) with mean and variance equal to the shape', (shape) => {
    const sampler = new Sampler(createSeededRandom(7));
    const { mean, variance } = moments(() => sampler.gamma(shape), n);
    expect(mean).toBeCloseTo(shape, 1);
    expect(Math.abs(variance - shape) / shape).toBeLessThan(0.05);
  });

  it.each([
    [1, 1],
    [2, 8],
    [0.5, 0.5],
    [300, 30],
  ])('draws Beta(%s, %s) with the right mean and variance', (a, b) => {
    const sampler = new Sampler(createSeededRandom(11));
    const { mean, variance } = moments(() => sampler.beta(a, b), n);
    const expectedVar = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(mean - a / (a + b))).toBeLessThan(0.005);
    expect(Math.abs(variance - expectedVar) / expectedVar).toBeLessThan(0.05);
  });

  it('draws standard normals', () => {
    const sampler = new Sampler(createSeededRandom(3));
    const { mean, variance } = moments(() => sampler.normal(), n);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance).toBeCloseTo(1, 1);
  });
});
