/**
 * What a simulated fleet is: device models with a ground truth per (model, provider), a traffic share
 * per model, and incidents that change the truth for a while. The simulation (`simulate.ts`) only talks
 * to this interface and to the scoring engine's public API, so another fleet can be plugged in.
 */

/** Ground truth of one provider on one model. */
export interface ProviderTruth {
  /** Probability the push eventually reaches the app (before latency is considered). */
  delivery: number;
  /** Median ack latency, ms; latency is log-normal around it. */
  medianLatencyMs: number;
  /** Log-space standard deviation of the latency. */
  latencySigma: number;
}

/** One device model. */
export interface ModelTruth {
  platform: string;
  brand: string;
  model: string;
  /** Providers this model's devices have tokens for, with their truth. */
  providers: Record<string, ProviderTruth>;
  /** Why it contradicts its brand, when it does (for the report). */
  exception?: string;
}

/** A provider collapsing for one brand for a while. */
export interface Incident {
  brand: string;
  provider: string;
  startMs: number;
  endMs: number;
  /** Delivery probability during the incident. */
  delivery: number;
}

/** A fleet: models in traffic-rank order (index 0 is the most popular) plus incidents. */
export interface Fleet {
  name: string;
  models: ModelTruth[];
  /** Relative traffic weight per model (same order as `models`). */
  weights: number[];
  incidents: Incident[];
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf; error below 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Delivery probability of a provider on a model at time t, incidents applied. */
export function deliveryAt(fleet: Fleet, model: ModelTruth, provider: string, t: number): number {
  const truth = model.providers[provider];
  if (truth === undefined) return 0;
  for (const incident of fleet.incidents) {
    if (incident.provider === provider && incident.brand === model.brand && t >= incident.startMs && t < incident.endMs) {
      return incident.delivery;
    }
  }
  return truth.delivery;
}

/** Probability of an ack within the deadline: delivered × P(latency ≤ deadline). */
export function inTimeProbability(fleet: Fleet, model: ModelTruth, provider: string, t: number, deadlineMs: number): number {
  const truth = model.providers[provider];
  if (truth === undefined) return 0;
  const onTime = normalCdf(Math.log(deadlineMs / truth.medianLatencyMs) / truth.latencySigma);
  return deliveryAt(fleet, model, provider, t) * onTime;
}
