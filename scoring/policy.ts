/**
 * Ranking policies over the arms (eligible providers) of one class. Each arm is a Beta posterior plus a
 * utility offset: utility = P(delivered) − latencyWeight × expected latency (s) − cost.
 *  - greedy: the highest posterior-mean utility.
 *  - thompson: one posterior sample per arm, highest sampled utility (explores in proportion to the
 *    chance an arm is actually best, so it shifts fast when a provider degrades).
 *  - ucb: posterior mean plus the UCB1 bonus sqrt(2 ln N / n), n the arm's effective samples (prior
 *    included) and N the class's total.
 * The engine caps how often the pick may differ from the greedy one (`exploration`) and drops Thompson
 * picks of arms confidently worse than the greedy one (`explorationOverlap`, see exploration-gate.ts).
 */
import type { Sampler } from './random.js';
import type { PolicyName } from './types.js';

/** What a policy needs to know about one provider in one class. */
export interface Arm {
  alpha: number;
  beta: number;
  /** Posterior-mean utility: alpha / (alpha + beta) + utilityOffset. */
  meanUtility: number;
  /** −latencyWeight × expected latency (s) − cost. */
  utilityOffset: number;
  /** Variance of the Beta posterior (see exploration-gate.ts). */
  variance: number;
}

/** Index of the arm with the highest mean utility (first on ties). */
export function greedyIndex(arms: readonly Arm[]): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < arms.length; i++) {
    const v = (arms[i] as Arm).meanUtility;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** Index of the arm the policy picks first. */
export function pickIndex(policy: PolicyName, arms: readonly Arm[], sampler: Sampler): number {
  if (policy === 'greedy' || arms.length < 2) return greedyIndex(arms);
  let best = 0;
  let bestValue = -Infinity;
  if (policy === 'thompson') {
    for (let i = 0; i < arms.length; i++) {
      const arm = arms[i] as Arm;
      const v = sampler.beta(arm.alpha, arm.beta) + arm.utilityOffset;
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    return best;
  }
  let total = 0;
  for (const arm of arms) total += arm.alpha + arm.beta;
  const logTotal = Math.log(Math.max(total, 2));
  for (let i = 0; i < arms.length; i++) {
    const arm = arms[i] as Arm;
    const v = arm.meanUtility + Math.sqrt((2 * logTotal) / (arm.alpha + arm.beta));
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}
