/**
 * Empirical-Bayes prior strengths. How much a child (model) should lean on its parent (brand) for one
 * provider depends on how alike the parent's children are: the maker's channel delivers about equally on
 * every phone of its brand (a strong prior is right), FCM delivers on the brand's global editions and
 * not on the others (a strong prior would mislead every model without Google services). The
 * beta-binomial method of moments turns the spread of the children's rates into a strength:
 *
 *   m = Σ s / Σ n,   V = Σ n (r − m)² / Σ n − m (1 − m) · c / Σ n   (spread minus binomial noise)
 *   κ = m (1 − m) / V − 1, clamped to [1, priorStrength]
 *
 * with r = s / n per child and c children. Fewer than 3 children with data, or no spread beyond noise,
 * keep the configured maximum. Computed at snapshot refresh (not per message).
 */
import { KEY_SEPARATOR, statField } from './device-class.js';
import { countersAt, type DecayRates, type StatCounters } from './stats.js';

/** Minimum children with data before their spread is trusted. */
const MIN_CHILDREN = 3;

/** Prior strength per parent stat field (parent class key + provider); absent means the maximum. */
export function estimatePriorStrengths(
  nodes: ReadonlyMap<string, ReadonlyMap<string, StatCounters>>,
  now: number,
  rates: DecayRates,
  maxStrength: number,
): Map<string, number> {
  const acc = new Map<string, { n: number; s: number; nr2: number; children: number }>();
  for (const [classKey, providers] of nodes) {
    const cut = classKey.lastIndexOf(KEY_SEPARATOR);
    if (cut < 0) continue;
    const parent = classKey.slice(0, cut);
    for (const [provider, counters] of providers) {
      const c = countersAt(counters, now, rates);
      const n = c.successes + c.failures;
      if (n < 1) continue;
      const field = statField(parent, provider);
      let a = acc.get(field);
      if (a === undefined) {
        a = { n: 0, s: 0, nr2: 0, children: 0 };
        acc.set(field, a);
      }
      a.n += n;
      a.s += c.successes;
      a.nr2 += (c.successes * c.successes) / n;
      a.children++;
    }
  }
  const out = new Map<string, number>();
  for (const [field, a] of acc) {
    if (a.children < MIN_CHILDREN) continue;
    const m = a.s / a.n;
    const pq = m * (1 - m);
    const spread = a.nr2 / a.n - m * m - (pq * a.children) / a.n;
    if (spread <= 0 || pq <= 0) continue;
    out.set(field, Math.max(1, Math.min(maxStrength, pq / spread - 1)));
  }
  return out;
}
