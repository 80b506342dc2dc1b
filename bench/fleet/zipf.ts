/** Zipf-distributed index sampling over n ranks (weight 1 / rank^s), by binary search on the CDF. */
export class ZipfSampler {
  private readonly cdf: Float64Array;

  constructor(weights: readonly number[]) {
    this.cdf = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += w;
      this.cdf[i] = sum;
    });
    for (let i = 0; i < this.cdf.length; i++) this.cdf[i] = (this.cdf[i] as number) / sum;
  }

  /** The weights 1 / rank^s for ranks 1..n. */
  static weights(n: number, s: number): number[] {
    return Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));
  }

  /** An index drawn with probability proportional to its weight; `u` uniform in [0, 1). */
  sample(u: number): number {
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cdf[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
