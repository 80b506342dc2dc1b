/**
 * Random sources and samplers. The engine takes any `() => number` in [0, 1); tests and the benchmarks
 * pass a seeded one so every run is repeatable.
 */

/** A uniform source in [0, 1). */
export type RandomSource = () => number;

/** A small, fast seeded PRNG (mulberry32): 32-bit state, good enough for simulation and sampling. */
export function createSeededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Gamma, Beta and normal variates from one uniform source. Gamma uses Marsaglia & Tsang (2000), which
 * needs ~1.03 normals per variate for shape >= 1, and the boost Gamma(a) = Gamma(a + 1) · U^(1/a) below 1.
 */
export class Sampler {
  private spare: number | undefined;

  constructor(private readonly random: RandomSource) {}

  /** A uniform in (0, 1): zero is excluded so logs stay finite. */
  uniform(): number {
    let u = this.random();
    while (u <= 0) u = this.random();
    return u;
  }

  /** A standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.random();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** A Gamma(shape, 1) variate; shape must be > 0. */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      const x2 = x * x;
      // The squeeze accepts ~98% of candidates without a log.
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A Beta(alpha, beta) variate as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta). */
  beta(alpha: number, beta: number): number {
    const x = this.gamma(alpha);
    const y = this.gamma(beta);
    return x / (x + y);
  }
}
