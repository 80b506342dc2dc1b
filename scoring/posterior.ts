/**
 * The hierarchical Beta posterior. Each level's posterior becomes the next level's prior, scaled down to
 * at most `priorStrength` effective samples:
 *
 *   platform:  Beta(1 + s_p, 1 + f_p)
 *   brand:     Beta(m_p · w_b + s_b, (1 - m_p) · w_b + f_b),  m_p = platform mean, w_b = min(K, n_p)
 *   model:     Beta(m_b · w_m + s_m, (1 - m_b) · w_m + f_m),  m_b = brand mean,    w_m = min(K, n_b)
 *
 * where n is the parent's posterior strength (a + b) and K = priorStrength, lowered per (parent, provider)
 * when the parent's children disagree (empirical Bayes, see prior-strength.ts). A new model therefore starts
 * at its brand's mean with the brand's confidence (up to K samples' worth), and once it has many more
 * than K outcomes of its own the brand no longer matters: that is the "shrinkage" of DESIGN.md.
 * Latency is pooled the same way (a mean with a prior of at most K latency samples).
 */
import type { StatCounters } from './stats.js';

/** The posterior of one (class node, provider). */
export interface Posterior {
  alpha: number;
  beta: number;
  /** Expected ack latency in ms, pooled down the hierarchy. */
  latencyMs: number;
  /** Latency samples behind `latencyMs`, including the inherited prior. */
  latencyWeight: number;
}

/** Latency assumed for a provider with no latency data anywhere: one weak pseudo-sample of 1 s. */
export const DEFAULT_LATENCY_MS = 1000;

/** The root prior: uniform Beta(1, 1) and one pseudo-sample of the default latency. */
export const ROOT_POSTERIOR: Readonly<Posterior> = Object.freeze({
  alpha: 1,
  beta: 1,
  latencyMs: DEFAULT_LATENCY_MS,
  latencyWeight: 1,
});

/** The posterior one level down: `parent` shrunk to at most `priorStrength` samples, plus `own`. */
export function childPosterior(parent: Posterior, own: StatCounters | undefined, priorStrength: number): Posterior {
  const n = parent.alpha + parent.beta;
  const w = Math.min(priorStrength, n);
  // The root level keeps its full uniform prior: shrinkage bounds only what is inherited from data.
  const alpha = (parent.alpha / n) * w;
  const beta = (parent.beta / n) * w;
  const lw = Math.min(priorStrength, parent.latencyWeight);
  if (own === undefined) return { alpha, beta, latencyMs: parent.latencyMs, latencyWeight: lw };
  const latencyWeight = lw + own.latencyCount;
  return {
    alpha: alpha + own.successes,
    beta: beta + own.failures,
    latencyMs: latencyWeight > 0 ? (parent.latencyMs * lw + own.latencySum) / latencyWeight : parent.latencyMs,
    latencyWeight,
  };
}

/** The posterior of the platform level (uniform prior plus the platform's own counters). */
export function rootPosterior(own: StatCounters | undefined): Posterior {
  if (own === undefined) return { ...ROOT_POSTERIOR };
  const latencyWeight = ROOT_POSTERIOR.latencyWeight + own.latencyCount;
  return {
    alpha: ROOT_POSTERIOR.alpha + own.successes,
    beta: ROOT_POSTERIOR.beta + own.failures,
    latencyMs: (ROOT_POSTERIOR.latencyMs * ROOT_POSTERIOR.latencyWeight + own.latencySum) / latencyWeight,
    latencyWeight,
  };
}

/**
 * Posteriors down one path of the hierarchy. `levels[0]` is the platform's counters, then brand, model
 * (any may be undefined: no data at that node). `priorStrength` is one bound for every level, or one per
 * level (index i bounds what level i inherits from level i − 1). Returns one posterior per level given.
 */
export function pathPosteriors(levels: ReadonlyArray<StatCounters | undefined>, priorStrength: number | readonly number[]): Posterior[] {
  const out: Posterior[] = [];
  let current = rootPosterior(levels[0]);
  out.push(current);
  for (let i = 1; i < levels.length; i++) {
    const k = typeof priorStrength === 'number' ? priorStrength : (priorStrength[i] ?? 0);
    current = childPosterior(current, levels[i], k);
    out.push(current);
  }
  return out;
}
