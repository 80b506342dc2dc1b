/**
 * Which exploratory picks are worth their cost. Thompson sampling sometimes ranks first an arm other
 * than the greedy one; that is how the engine learns, and `exploration` caps how often it happens.
 * But decayed statistics never make an arm certain: a provider measured far below the best keeps only a
 * few effective samples (its failures fade with the half-life, and its prior comes from a brand whose
 * other models may deliver well on it), so Thompson keeps drawing it above a mediocre best often enough
 * to spend the whole cap on it. After a maker's channel collapses for a brand, for instance, the best
 * left is JPush at ~0.65 and FCM on phones without Google services (~0.2) and the dead channel itself are
 * drawn above it again and again; every such pick costs the full gap in delivery.
 *
 * So an exploratory pick stands only while its posterior still overlaps the best arm's: the gap in mean
 * utility is at most `z` standard deviations of the difference (normal approximation of the two Beta
 * posteriors), i.e. the arm still has a fair chance of actually being the best. An arm confidently worse
 * is left alone until decay widens its posterior again or the best arm's mean drops, so a provider that
 * recovers is still retried, just not at the cap's rate.
 *
 * Not too tight: an arm that is never tried keeps only its inherited prior as its own evidence decays,
 * and where that prior is optimistic (a brand whose FCM traffic comes from its global editions) the arm
 * drifts up until it is ranked first outright, for every message of the class until its failures come
 * back. In the routing simulation 1 sd traded the exploration cost for such episodes; 2 sd (the
 * default) drops only the most hopeless draws (chance of being best below ~2%).
 */
import type { Arm } from './policy.js';

/** Variance of a Beta(alpha, beta) posterior. */
export function betaVariance(alpha: number, beta: number): number {
  const n = alpha + beta;
  return (alpha * beta) / (n * n * (n + 1));
}

/**
 * True when `arm` may be explored instead of `best`: its mean utility is within `z` standard deviations
 * of the difference of the two posteriors. `z` <= 0 turns the gate off (always true).
 */
export function overlapsBest(arm: Arm, best: Arm, z: number): boolean {
  if (z <= 0) return true;
  const gap = best.meanUtility - arm.meanUtility;
  return gap <= 0 || gap * gap <= z * z * (arm.variance + best.variance);
}
