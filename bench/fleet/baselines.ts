/**
 * The routing strategies the adaptive engine is compared with, on the same traffic:
 *  - random: any provider the device has a token for;
 *  - best single provider: the one provider every device has, chosen with hindsight (the best on the
 *    whole traffic, from the truth), used for everyone;
 *  - brand rule: the hand-written rule "the maker's channel on its own brand, else JPush";
 *  - oracle: knows the truth at every instant, incidents included.
 */
import type { RandomSource } from '../../scoring/index.js';
import { inTimeProbability, type Fleet, type ModelTruth } from './fleet.js';

/** Channels that are not a phone maker's own. */
const GENERIC = new Set(['fcm', 'jpush']);

/** Picks one provider for a model at a time. */
export type Baseline = (model: ModelTruth, t: number) => string;

/** Uniform over the model's providers. */
export function randomBaseline(random: RandomSource): Baseline {
  return (model) => {
    const names = Object.keys(model.providers);
    return names[Math.floor(random() * names.length)] as string;
  };
}

/** The provider present on every model with the best traffic-weighted in-time rate (no incident). */
export function bestSingleProvider(fleet: Fleet, deadlineMs: number): string {
  const everywhere = Object.keys(fleet.models[0]?.providers ?? {}).filter((p) => fleet.models.every((m) => p in m.providers));
  let best = everywhere[0] ?? 'jpush';
  let bestValue = -1;
  for (const provider of everywhere) {
    let value = 0;
    fleet.models.forEach((m, i) => {
      value += (fleet.weights[i] ?? 0) * inTimeProbability(fleet, m, provider, -1, deadlineMs);
    });
    if (value > bestValue) {
      bestValue = value;
      best = provider;
    }
  }
  return best;
}

/** The maker's channel when the device has one, else JPush. */
export const brandRuleBaseline: Baseline = (model) => Object.keys(model.providers).find((p) => !GENERIC.has(p)) ?? 'jpush';

/** The provider with the best in-time probability right now. */
export function oracleBaseline(fleet: Fleet, deadlineMs: number): Baseline {
  return (model, t) => {
    let best = 'jpush';
    let bestValue = -1;
    for (const provider of Object.keys(model.providers)) {
      const value = inTimeProbability(fleet, model, provider, t, deadlineMs);
      if (value > bestValue) {
        bestValue = value;
        best = provider;
      }
    }
    return best;
  };
}
